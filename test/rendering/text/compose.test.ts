// Building text structures: rules that mutation testing found unstated.
// Where category locations hang off when the entity sits somewhere else than
// `<base><kind location><id>` (D34), an owned link's target when the view has
// no resolved target (R126), and what the full Category form leaves out when
// there is nothing to say (R25, R125).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMPUTE, COMPUTE_SAVE, ENTITY, NETWORK, OS_TPL } from '../../../src/model/infrastructure.js';
import type { EntityView } from '../../../src/rendering/document.js';
import { renderCategory, renderLink, textPlainRenderer } from '../../../src/rendering/text/render.js';
import { computeView, DEBIAN, nicView } from './views.js';

const INFRA = 'http://schemas.ogf.org/occi/infrastructure#';

/** The location= of each Category line of an entity rendered at `location`. */
function categoryLocations(view: EntityView): string[] {
  return textPlainRenderer
    .entity({ ...view, links: [], actions: [] })
    .body.split('\n')
    .filter((l) => l.startsWith('Category:'))
    .map((l) => /location="([^"]*)"/.exec(l)?.[1] ?? '(none)');
}

describe('category locations of an entity (D34: absolute URLs)', () => {
  test('under a mount prefix: the prefix is kept', () => {
    assert.deepEqual(categoryLocations(computeView({ location: 'http://h/occi/compute/1', mixins: [DEBIAN] })), [
      'http://h/occi/compute/',
      'http://h/occi/templates/os/debian12/',
    ]);
  });

  test('an entity at another URL (created by PUT): the origin', () => {
    assert.deepEqual(categoryLocations(computeView({ location: 'http://h/mine/vm1', mixins: [DEBIAN] })), [
      'http://h/compute/',
      'http://h/templates/os/debian12/',
    ]);
  });

  test('the kind path found, but not as the last segment: the origin', () => {
    assert.deepEqual(categoryLocations(computeView({ location: 'http://h/x/compute/a/b', mixins: [] })), ['http://h/compute/']);
  });

  test('a kind with no location: the origin for its mixins', () => {
    const view = computeView({ kind: ENTITY, location: 'http://h/p/compute/1', mixins: [DEBIAN] });
    assert.deepEqual(categoryLocations(view), ['(none)', 'http://h/templates/os/debian12/']);
  });

  test('an entity URL that is not absolute: paths are left relative', () => {
    assert.deepEqual(categoryLocations(computeView({ location: '/compute/1', mixins: [DEBIAN] })), ['/compute/', '/templates/os/debian12/']);
  });

  test('a path holding a colon is still a path: it hangs off the base', () => {
    const odd = { ...DEBIAN, location: '/templates/os/a:b/' };
    assert.deepEqual(categoryLocations(computeView({ location: 'http://h/compute/1', mixins: [odd] })), [
      'http://h/compute/',
      'http://h/templates/os/a:b/',
    ]);
  });

  test('a category location that is already an absolute URL is kept', () => {
    const remote = { ...DEBIAN, location: 'https://elsewhere.example/os/debian12/' };
    assert.deepEqual(categoryLocations(computeView({ location: 'http://h/compute/1', mixins: [remote] })), [
      'http://h/compute/',
      'https://elsewhere.example/os/debian12/',
    ]);
  });
});

describe('owned links (R126)', () => {
  test('without a resolved target, the target is the occi.core.target attribute', () => {
    const { target: _t, ...rest } = nicView();
    assert.ok(renderLink(rest).startsWith('<http://occi.example.org/network/3f1c>; rel="http://schemas.ogf.org/occi/core#resource"'));
  });

  test('with neither, the target is empty rather than invented', () => {
    const { target: _t, ...rest } = nicView();
    const bare = { ...rest, attributes: rest.attributes.filter(([n]) => n !== 'occi.core.target') };
    assert.ok(renderLink(bare).startsWith('<>; rel='));
  });

  test('source and target are not repeated as link attributes', () => {
    const text = renderLink(nicView());
    assert.ok(!text.includes('occi.core.source='));
    assert.ok(!text.includes('occi.core.target='));
    assert.ok(text.includes('occi.core.id="urn:uuid:a81b"'));
  });
});

describe('the full Category form says nothing when there is nothing to say', () => {
  test('a mixin with no attributes and no actions: no attributes= and no actions=', () => {
    assert.equal(
      renderCategory({ category: OS_TPL, location: 'http://h/os_tpl/' }, true),
      `os_tpl; scheme="${INFRA}"; class="mixin"; title="OS Template"; location="http://h/os_tpl/"`,
    );
  });

  test('no location given: none written', () => {
    assert.equal(renderCategory({ category: COMPUTE }, false), `compute; scheme="${INFRA}"; class="kind"; title="Compute Resource"; rel="http://schemas.ogf.org/occi/core#resource"`);
  });

  test('a category with no title: no title=', () => {
    const untitled = { ...NETWORK, title: undefined };
    assert.ok(!renderCategory({ category: untitled }, false).includes('title='));
  });
});

describe('an action in the query interface (R25)', () => {
  test('lists its parameter names, separated by spaces', () => {
    const body = textPlainRenderer.categories([{ category: COMPUTE_SAVE }]).body;
    assert.match(body, /attributes="method name"/);
  });
});
