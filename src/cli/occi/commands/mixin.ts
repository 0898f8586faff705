// occi mixin add | remove | tag | untag
import type { Command } from 'commander';
import { examples, type GlobalOptions, Run, withGlobals } from '../context.js';
import { shortRef } from '../rows.js';


export function registerMixin(program: Command): void {
  const mixin = program.command('mixin').description('user mixins (tags): define them, delete them, tag and untag entities');
  mixin.addHelpText('after', examples(['occi mixin add prod --title Production', 'occi mixin tag prod web1 data', 'occi list prod', 'occi mixin untag prod data', 'occi mixin remove prod']));

  withGlobals(mixin.command('add').argument('<term>', 'its name, e.g. prod'))
    .description('define a user mixin (a tag)')
    .option('--title <title>', 'a title')
    .option('--scheme <scheme>', 'its scheme, ending in # (default <endpoint>/occi/tags#)')
    .option('--location <path>', 'its collection path, ending in / (default /tags/<term>/)')
    .addHelpText('after', examples(['occi mixin add prod --title Production']))
    .action(async (term: string, o: GlobalOptions & { title?: string; scheme?: string; location?: string }) => {
      const run = new Run(o);
      const m = await (await run.client()).defineMixin({ term, title: o.title, scheme: o.scheme, location: o.location });
      await run.printRecord({ term: m.term, scheme: m.scheme, title: m.title, location: m.location });
    });

  withGlobals(mixin.command('remove').argument('<mixin>', 'its term, title or type id'))
    .description('delete a user mixin (entities lose the tag, they stay)')
    .addHelpText('after', examples(['occi mixin remove prod']))
    .action(async (name: string, o: GlobalOptions) => {
      const run = new Run(o);
      await (await run.client()).deleteMixin(name);
      await run.printRows([{ mixin: name, status: 'deleted' }], ['mixin', 'status']);
    });

  for (const [verb, what] of [['tag', 'associate entities with a mixin'], ['untag', 'disassociate entities from a mixin']] as const) {
    withGlobals(mixin.command(verb).argument('<mixin>', 'its term, title or type id').argument('<entities...>', 'ids, kind/ids, URLs or unique titles'))
      .description(what)
      .addHelpText('after', examples([`occi mixin ${verb} prod web1 data`]))
      .action(async (name: string, refs: string[], o: GlobalOptions) => {
        const run = new Run(o);
        const client = await run.client();
        const d = await client.discover();
        const urls = [];
        for (const ref of refs) urls.push(await run.resolve(ref));
        await (verb === 'tag' ? client.tag(name, urls) : client.untag(name, urls));
        await run.printRows(urls.map((u) => ({ id: shortRef(u, d) ?? u, mixin: name, status: verb === 'tag' ? 'tagged' : 'untagged' })), ['id', 'mixin', 'status']);
      });
  }
}
