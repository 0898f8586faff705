// Deleting provider mixins through the query interface (DELETE /-/): an
// os_tpl whose Glance image the caller's project owns (a saved compute, or
// any image it uploaded) and a snapshot_tpl (a Cinder snapshot, always the
// project's own). Everything is checked before anything is deleted; what
// may not go is refused with 403 saying why and what to do instead.
import { forbidden, notFound, OcciError } from '../../../errors.js';
import { typeId, type Mixin } from '../../../model/category.js';
import { isOsTemplate } from '../../../model/templates.js';
import type { Cloud } from '../cloud.js';
import type { SnapshotCache } from '../caches/snapshot-cache.js';
import type { TemplateCache } from '../caches/template-cache.js';
import { isSnapshotTemplate } from '../mapping/snapshots.js';
import { untilGone } from './wait.js';

export interface MixinDeletionDeps {
  templates: TemplateCache;
  snapshots: SnapshotCache;
  /** How long a snapshot deletion is waited for. */
  timeoutMs: number;
}

type Deletion = () => Promise<void>;

export async function deleteProviderMixins(cloud: Cloud, mixins: readonly Mixin[], d: MixinDeletionDeps): Promise<void> {
  const deletions = await Promise.all(mixins.map((m) => deletionOf(cloud, m, d.timeoutMs)));
  for (const run of deletions) await run();
  if (mixins.some(isOsTemplate)) d.templates.invalidate(cloud);
  if (mixins.some(isSnapshotTemplate)) d.snapshots.invalidate(cloud);
}

/** Checks one mixin and answers how to delete it, or refuses it. */
async function deletionOf(cloud: Cloud, m: Mixin, timeoutMs: number): Promise<Deletion> {
  const id = m.providerId;
  if (isOsTemplate(m) && id !== undefined) return imageDeletion(cloud, m, id);
  if (isSnapshotTemplate(m) && id !== undefined) {
    const snapshot = await cloud.cinder.getSnapshot(id);
    if (!snapshot) throw notFound(`snapshot ${m.term} is gone already`);
    return () => deleteSnapshot(cloud, id, m.term, timeoutMs);
  }
  throw forbidden(`${typeId(m)} is defined by the cloud and cannot be deleted; only OS templates your project saved and storage snapshots can be`);
}

async function imageDeletion(cloud: Cloud, m: Mixin, id: string): Promise<Deletion> {
  const glance = cloud.glance;
  if (!glance) {
    throw forbidden(`${cloud.dialect.label} images cannot be deleted through OCCI; delete image ${id} (template ${m.term}) with the cloud's own tools`);
  }
  const image = await glance.getImage(id);
  if (!image) throw notFound(`template ${m.term} (image ${id}) is gone already`);
  const project = cloud.session.projectId;
  if (image.owner !== project) {
    const whose = image.owner ? `project ${image.owner}` : 'no project';
    const shared = image.visibility === 'public' ? 'a public image ' : '';
    throw forbidden(`template ${m.term} is ${shared}owned by ${whose}, not yours (${project}): only its owner can delete it`);
  }
  if (image.protected === true) {
    throw forbidden(`template ${m.term} (image ${id}) is protected; unprotect it first (openstack image set --unprotected ${id}), then delete it`);
  }
  return () => glance.deleteImage(id);
}

/**
 * Deletes a snapshot and waits (bounded) until Cinder no longer has it, so
 * the volume it was taken from can be deleted at once, and a failure is said.
 */
async function deleteSnapshot(cloud: Cloud, id: string, term: string, timeoutMs: number): Promise<void> {
  await cloud.cinder.deleteSnapshot(id);
  const value = await untilGone(() => cloud.cinder.getSnapshot(id), {
    deadlineMs: timeoutMs,
    what: `snapshot ${term}`,
    failed: (s) => s.status.startsWith('error'),
    describe: (s) => `status ${s.status}`,
  });
  if (value?.status.startsWith('error')) {
    throw new OcciError(502, `the cloud failed to delete snapshot ${term} (${id}, status ${value.status}); try DELETE again, or ask the cloud's administrators`);
  }
}
