// occi create | update | delete
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { contextualize, READY, type AttributeValue, type Entity, type LinkSpec } from '../../../client/index.js';
import { collect, examples, type GlobalOptions, parsePairs, Run, seconds, withGlobals, withWait } from '../context.js';
import { UsageError } from '../exit.js';
import { record, shortRef } from '../rows.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

function readFile(path: string, flag: string): string {
  const full = path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
  try {
    return readFileSync(full, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

interface CreateOptions extends GlobalOptions {
  title?: string;
  summary?: string;
  osTpl?: string;
  resourceTpl?: string;
  mixin: string[];
  attribute: string[];
  sshKey?: string;
  userData?: string;
  link: string[];
  size?: string;
  cidr?: string;
  gateway?: string;
  hostname?: string;
  wait?: boolean;
  waitTimeout: string;
}

async function waitReady(run: Run, e: Entity, kindTerm: string, timeout: string): Promise<Entity> {
  const client = await run.client();
  const state = READY[kindTerm] ?? 'active';
  return run.waiting(`${e.title ?? shortRef(e.location)}`, (o) => client.waitFor(e.location, { ...o, state }), { timeoutS: seconds(timeout, '--wait-timeout'), okText: `${e.title ?? shortRef(e.location)} is ${state}` });
}

export function registerWrite(program: Command): void {
  withWait(withGlobals(program.command('create').argument('<kind>', 'compute, storage or network')), 'it is ready (active, online)')
    .description('create a compute from templates, a volume, or a network')
    .option('--title <title>', 'its title (occi.core.title)')
    .option('--summary <text>', 'its summary')
    .option('--os-tpl <name>', 'OS template (image) by term or title, e.g. Debian')
    .option('--resource-tpl <name>', 'resource template (flavor) by term, e.g. C2R2048D20')
    .option('--hostname <name>', 'the compute host name')
    .option('--ssh-key <file>', 'an OpenSSH public key file to install, e.g. ~/.ssh/id_ed25519.pub')
    .option('--user-data <file>', 'a cloud-init file to run at first boot (sent Base64-encoded)')
    .option('--link <entity>', 'a network or storage to link the compute to, e.g. network/public (repeat for more)', collect, [])
    .option('--size <GiB>', 'storage size in GiB')
    .option('--cidr <range>', 'network address range, e.g. 10.9.0.0/24')
    .option('--gateway <ip>', 'network gateway')
    .option('--mixin <name>', 'another mixin to associate (repeat for more)', collect, [])
    .option('--attribute <name=value>', 'any attribute, by short or full name (repeat for more)', collect, [])
    .addHelpText('after', examples([
      'occi create compute --os-tpl Debian --resource-tpl C2R2048D20 --title web1 --wait',
      'occi create compute --title web2 --ssh-key ~/.ssh/id_ed25519.pub --user-data cloud-init.yaml --link network/public',
      'occi create storage --size 10 --title data --wait',
      'occi create network --cidr 10.9.0.0/24 --title lan',
    ]))
    .action(async (kindName: string, o: CreateOptions) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const kind = d.kind(kindName);
      const mixins: string[] = [];
      const attributes: Record<string, AttributeValue> = {};
      if (o.osTpl) mixins.push(d.osTemplate(o.osTpl).id);
      if (o.resourceTpl) mixins.push(d.resourceTemplate(o.resourceTpl).id);
      for (const m of o.mixin) mixins.push(d.mixin(m).id);
      if (o.title !== undefined) attributes['occi.core.title'] = o.title;
      if (o.summary !== undefined) attributes['occi.core.summary'] = o.summary;
      if (o.hostname !== undefined) attributes['occi.compute.hostname'] = o.hostname;
      if (o.size !== undefined) {
        const size = Number(o.size);
        if (!Number.isFinite(size) || size <= 0) throw new UsageError(`--size ${o.size} is not a size in GiB`);
        attributes['occi.storage.size'] = size;
      }
      if (o.cidr !== undefined || o.gateway !== undefined) {
        mixins.push(`${INFRA.replace('#', '/network#')}ipnetwork`);
        if (o.cidr !== undefined) attributes['occi.network.address'] = o.cidr;
        if (o.gateway !== undefined) attributes['occi.network.gateway'] = o.gateway;
      }
      const context = contextualize(d, {
        ...(o.sshKey !== undefined ? { sshKey: readFile(o.sshKey, '--ssh-key') } : {}),
        ...(o.userData !== undefined ? { userData: readFile(o.userData, '--user-data') } : {}),
      });
      mixins.push(...context.mixins);
      Object.assign(attributes, context.attributes);
      for (const [n, v] of parsePairs(o.attribute)) attributes[d.attributeName(n, kind.id, mixins)] = v;
      const links: LinkSpec[] = [];
      for (const ref of o.link) {
        const target = await run.resolve(ref, ['network', 'storage']);
        const targetKind = d.collectionOf(target);
        const linkKind = targetKind?.term === 'storage' ? 'storagelink' : 'networkinterface';
        links.push({ kind: d.kind(linkKind).id, target, ...(targetKind ? { targetKind: targetKind.id } : {}) });
      }
      let e = await client.create({ kind: kind.id, mixins, attributes, links });
      if (o.wait) e = await waitReady(run, e, kind.term, o.waitTimeout);
      await run.printRecord(record(e, d));
    });

  withGlobals(program.command('update').argument('<entity>', 'an id, kind/id, URL or unique title'))
    .description("change an entity's attributes or mixins (a resize is a new resource template)")
    .option('--title <title>', 'a new title')
    .option('--summary <text>', 'a new summary')
    .option('--resource-tpl <name>', 'a new resource template (resizes a compute)')
    .option('--mixin <name>', 'a mixin to add (repeat for more)', collect, [])
    .option('--attribute <name=value>', 'an attribute to set, by short or full name (repeat for more)', collect, [])
    .addHelpText('after', examples(['occi update web1 --title web-one', 'occi update data --attribute size=20', 'occi update web1 --resource-tpl C4R4096D40']))
    .action(async (ref: string, o: GlobalOptions & { title?: string; summary?: string; resourceTpl?: string; mixin: string[]; attribute: string[] }) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const url = await run.resolve(ref);
      const current = await client.get(url);
      const mixins = [...(o.resourceTpl ? [d.resourceTemplate(o.resourceTpl).id] : []), ...o.mixin.map((m) => d.mixin(m).id)];
      const attributes: Record<string, AttributeValue> = {};
      if (o.title !== undefined) attributes['occi.core.title'] = o.title;
      if (o.summary !== undefined) attributes['occi.core.summary'] = o.summary;
      for (const [n, v] of parsePairs(o.attribute)) attributes[d.attributeName(n, current.kind, [...current.mixins, ...mixins])] = v;
      if (mixins.length === 0 && Object.keys(attributes).length === 0) throw new UsageError('nothing to change: give --title, --summary, --resource-tpl, --mixin or --attribute');
      await run.printRecord(record(await client.update(url, { mixins, attributes }), d));
    });

  withWait(withGlobals(program.command('delete').argument('<entities...>', 'ids, kind/ids, URLs or unique titles')), 'they are gone')
    .description('delete entities (a resource takes its links with it)')
    .addHelpText('after', examples(['occi delete web1', 'occi delete web1 data --wait']))
    .action(async (refs: string[], o: GlobalOptions & { wait?: boolean; waitTimeout: string }) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const rows = [];
      for (const ref of refs) {
        const url = await run.resolve(ref, ['compute', 'storage', 'network', 'networkinterface', 'storagelink']);
        await client.delete(url);
        const name = shortRef(url, d) ?? url;
        if (o.wait) await run.waiting(name, (w) => client.waitGone(url, w), { timeoutS: seconds(o.waitTimeout, '--wait-timeout'), okText: `${name} is gone` });
        rows.push({ id: name, status: 'deleted' });
      }
      await run.printRows(rows, ['id', 'status']);
    });
}
