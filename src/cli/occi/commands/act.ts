// occi action | link | unlink
import type { Command } from 'commander';
import type { AttributeValue, Entity } from '../../../client/index.js';
import { AFTER_ACTION, READY, stateOf } from '../../../client/index.js';
import { collect, examples, type GlobalOptions, parsePairs, Run, seconds, withGlobals, withWait } from '../context.js';
import { columnsFor, record, row, shortRef } from '../rows.js';

interface ActionOptions extends GlobalOptions {
  method?: string;
  name?: string;
  attribute: string[];
  wait?: boolean;
  waitTimeout: string;
}

export function registerAct(program: Command): void {
  withWait(withGlobals(program.command('action').argument('<action>', 'start, stop, restart, suspend, save, up, down, online, offline …').argument('<entities...>', 'ids, kind/ids, URLs or unique titles')), 'the action is done')
    .description('trigger an action on entities (stop a compute, bring a network up …)')
    .option('--method <method>', 'how: graceful, acpioff, poweroff (stop); warm, cold (restart); suspend, hibernate (suspend)')
    .option('--name <name>', 'name of the OS template a save makes')
    .option('--attribute <name=value>', 'another action parameter (repeat for more)', collect, [])
    .addHelpText('after', examples(['occi action stop web1 --method graceful --wait', 'occi action start web1 web2', 'occi action save web1 --name web-golden', 'occi action down lan']))
    .action(async (action: string, refs: string[], o: ActionOptions) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const params: Record<string, AttributeValue> = Object.fromEntries(parsePairs(o.attribute));
      if (o.method !== undefined) params.method = o.method;
      if (o.name !== undefined) params.name = o.name;
      const done: Entity[] = [];
      for (const ref of refs) {
        const entity = await client.get(await run.resolve(ref));
        const result = await client.trigger(entity, action, params);
        if (result.mixin) {
          run.print(`made OS template ${result.mixin.term}${result.mixin.title ? ` (${result.mixin.title})` : ''}\n`);
        }
        const term = d.action(action, entity.kind, entity.mixins).term;
        const want = AFTER_ACTION[term];
        const name = entity.title ?? shortRef(entity.location, d) ?? entity.location;
        if (o.wait && want) {
          done.push(await run.waiting(name, (w) => client.waitFor(entity.location, { ...w, state: want }), { timeoutS: seconds(o.waitTimeout, '--wait-timeout'), okText: `${name} is ${want}` }));
        } else done.push(result.entity ?? (await client.get(entity.location)));
      }
      await run.printRows(done.map((e) => row(e, d)), columnsFor(done));
    });

  withWait(withGlobals(program.command('link').argument('<source>', 'the compute').argument('<target>', 'a storage or network')), 'the link is active')
    .description('attach a volume to a compute, or connect it to a network')
    .option('--device <path>', 'device name for a volume, e.g. /dev/vdb')
    .option('--mountpoint <path>', 'where the guest mounts the volume')
    .option('--attribute <name=value>', 'another link attribute (repeat for more)', collect, [])
    .addHelpText('after', examples(['occi link web1 data --device /dev/vdb', 'occi link web1 network/public', 'occi link web1 data -o value -c id']))
    .action(async (source: string, target: string, o: GlobalOptions & { device?: string; mountpoint?: string; attribute: string[]; wait?: boolean; waitTimeout: string }) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const src = await run.resolve(source, ['compute']);
      const tgt = await run.resolve(target, ['storage', 'network']);
      const attributes: Record<string, AttributeValue> = {};
      if (o.device !== undefined) attributes['occi.storagelink.deviceid'] = o.device;
      if (o.mountpoint !== undefined) attributes['occi.storagelink.mountpoint'] = o.mountpoint;
      const kind = d.collectionOf(tgt)?.term === 'storage' ? 'storagelink' : 'networkinterface';
      for (const [n, v] of parsePairs(o.attribute)) attributes[d.attributeName(n, d.kind(kind).id)] = v;
      let link: Entity = await client.link(src, tgt, { attributes });
      if (o.wait && stateOf(link).state !== READY[kind]) {
        const name = shortRef(link.location, d) ?? link.location;
        link = await run.waiting(name, (w) => client.waitFor(link.location, { ...w, state: READY[kind] }), { timeoutS: seconds(o.waitTimeout, '--wait-timeout'), okText: `${name} is ${READY[kind]}` });
      }
      await run.printRecord(record(link, d));
    });

  withGlobals(program.command('unlink').argument('<links...>', 'link ids (storagelink/…, networkinterface/…) or URLs'))
    .description('detach a volume or a network interface (the link is deleted, its ends stay)')
    .addHelpText('after', examples(['occi unlink storagelink/8d3c…', 'occi show web1 -c links   # to find the link ids']))
    .action(async (refs: string[], o: GlobalOptions) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const rows = [];
      for (const ref of refs) {
        const url = await run.resolve(ref, ['storagelink', 'networkinterface']);
        await client.unlink(url);
        rows.push({ id: shortRef(url, d) ?? url, status: 'deleted' });
      }
      await run.printRows(rows, ['id', 'status']);
    });
}
