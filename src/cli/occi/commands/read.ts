// occi discover | templates | list | show
import type { Command } from 'commander';
import { Option } from 'commander';
import { OS_TPL, RESOURCE_TPL, type CategoryInfo, type Entity } from '../../../client/index.js';
import { examples, type GlobalOptions, parsePairs, Run, withGlobals } from '../context.js';
import { columnsFor, record, row } from '../rows.js';


const defaultOf = (c: CategoryInfo, name: string): string | number | undefined => {
  const v = c.attributes.find((a) => a.name === name)?.default;
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
};

export function registerRead(program: Command): void {
  withGlobals(program.command('discover'))
    .description("what the server offers: its kinds, mixins and actions (the query interface)")
    .addOption(new Option('--class <class>', 'only kinds, mixins or actions').choices(['kind', 'mixin', 'action']))
    .addHelpText('after', examples(['occi discover', 'occi discover --class kind -c term -c location', 'occi discover --raw   # the query interface as the server renders it']))
    .action(async (o: GlobalOptions & { class?: string }) => {
      const run = new Run(o);
      const d = await run.discovery();
      const cats = d.categories.filter((c) => !o.class || c.class === o.class);
      await run.printRows(cats.map((c) => ({ class: c.class, term: c.term, scheme: c.scheme, title: c.title, location: c.location })), ['class', 'term', 'title', 'location']);
    });

  withGlobals(program.command('templates'))
    .description('the OS templates (images) and resource templates (flavors) to create computes from')
    .option('--os', 'only OS templates')
    .option('--resource', 'only resource templates')
    .addHelpText('after', examples(['occi templates', 'occi templates --resource', 'occi templates --os -o value -c term']))
    .action(async (o: GlobalOptions & { os?: boolean; resource?: boolean }) => {
      const run = new Run(o);
      const d = await run.discovery();
      const both = !o.os && !o.resource;
      const rows = [
        ...(both || o.os ? d.family(OS_TPL).map((m) => ({ type: 'os', term: m.term, title: m.title })) : []),
        ...(both || o.resource
          ? d.family(RESOURCE_TPL).map((m) => ({
              type: 'resource',
              term: m.term,
              title: m.title,
              cores: defaultOf(m, 'occi.compute.cores'),
              memory: defaultOf(m, 'occi.compute.memory'),
              disk: defaultOf(m, 'org.openstack.flavor.disk'),
            }))
          : []),
      ];
      await run.printRows(rows, o.os ? ['term', 'title'] : ['type', 'term', 'title', 'cores', 'memory', 'disk']);
    });

  withGlobals(program.command('list').argument('<collection>', 'compute, storage, network, a link kind, or a mixin (tag or template)'))
    .description('the entities of a kind or a mixin, one row each')
    .option('--filter <name=value>', 'only entities whose attribute has this value (repeat for more; short names: title=web)', (v: string, p: string[]) => [...p, v], [])
    .option('--all-pages', 'follow every page the server offers')
    .option('--page <n>', 'this page only (1-based)')
    .option('--number <n>', 'entities per page')
    .addHelpText('after', examples(['occi list compute', 'occi list compute --filter title=web1', 'occi list storage -o json', 'occi list compute -o value -c id -c state', 'occi list prod    # the members of the tag prod']))
    .action(async (collection: string, o: GlobalOptions & { filter: string[]; allPages?: boolean; page?: string; number?: string }) => {
      const run = new Run(o);
      const client = await run.client();
      const d = await client.discover();
      const kind = d.kinds.find((k) => k.term === collection || k.id === collection);
      const attributes = Object.fromEntries(parsePairs(o.filter, '--filter').map(([n, v]) => [d.attributeName(n, kind?.id ?? 'http://schemas.ogf.org/occi/core#resource'), v]));
      const paging = { page: o.page ? Number(o.page) : undefined, number: o.number ? Number(o.number) : undefined };
      let entities: Entity[];
      if (o.allPages || paging.page === undefined) entities = await client.listAll(collection, { attributes, number: paging.number });
      else {
        const page = await client.list(collection, { attributes, ...paging });
        entities = [...page.entities, ...(await Promise.all(page.locations.map((l) => client.get(l))))];
      }
      await run.printRows(entities.map((e) => row(e, d)), columnsFor(entities, kind?.term));
    });

  withGlobals(program.command('show').argument('<entity>', 'an id, kind/id, URL or unique title'))
    .description('one entity: attributes, mixins, links, and the actions allowed now')
    .addHelpText('after', examples(['occi show web1', 'occi show compute/8d3c…', 'occi show web1 -o json', 'occi show web1 -o value -c state']))
    .action(async (ref: string, o: GlobalOptions) => {
      const run = new Run(o);
      const client = await run.client();
      const url = await run.resolve(ref, ['compute', 'storage', 'network', 'networkinterface', 'storagelink']);
      const e = await client.get(url);
      await run.printRecord(record(e, await client.discover()));
    });
}
