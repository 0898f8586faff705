// Thin typed wrapper of the Block Storage API (v3; Synnefo's v2 dialect) calls the backend needs.
import { query, type JsonHttp } from './http.js';
import type { Id } from './nova.js';
import { ServiceClient, type PageAsk } from './service-client.js';

export interface CinderVolume {
  id: Id;
  status: string;
  size: number;
  name?: string | null;
  /** Synnefo (and Cinder v1) name the volume display_name. */
  display_name?: string | null;
  /** Synnefo names no device, only the disk's index on the server (0 is the root disk). */
  attachments?: { server_id: Id; device?: string | null; attachment_id?: Id; device_index?: number | null }[];
  metadata?: Record<string, string>;
  /** Synnefo: deleted volumes still answer GET, with this set. */
  deleted?: boolean;
  /** Synnefo: whether the volume goes when it is detached or its server deleted. */
  delete_on_termination?: boolean;
  volume_type?: Id | null;
  /** The snapshot the volume was created from. */
  snapshot_id?: Id | null;
}

export interface CinderSnapshot {
  id: Id;
  volume_id: Id;
  size: number;
  status: string;
  name?: string | null;
  /** Synnefo (and Cinder v1) name the snapshot display_name. */
  display_name?: string | null;
  created_at?: string;
}

export interface CinderVolumeType {
  id: Id;
  name: string;
  /** Synnefo: the Ganeti disk template; ext_* types can be detached. */
  'SNF:disk_template'?: string;
}

export interface CinderBackup {
  id: Id;
  status?: string;
  fail_reason?: string | null;
}

/** The first block-storage microversion that extends an attached (in-use) volume. */
export const EXTEND_IN_USE_MICROVERSION = '3.42';

/**
 * The newest block-storage microversion behind a v3 endpoint, from its
 * version document (`<…>/v3/`); undefined for endpoints without
 * microversions (v2, a version document that names none).
 */
export async function volumeMicroversion(http: JsonHttp, volumeUrl: string, token: string): Promise<string | undefined> {
  const root = /^(.*\/v3)(?:\/|$)/.exec(volumeUrl)?.[1];
  if (root === undefined) return undefined;
  type Version = { id?: string; version?: string };
  const res = await http.request<{ versions?: Version[]; version?: Version }>('cinder', { method: 'GET', url: `${root}/`, token, accept: [300] });
  const listed = [...(res.body?.versions ?? []), ...(res.body?.version ? [res.body.version] : [])];
  const v3 = listed.find((v) => typeof v.id === 'string' && v.id.startsWith('v3'));
  return typeof v3?.version === 'string' && v3.version !== '' ? v3.version : undefined;
}

export class Cinder extends ServiceClient {
  constructor(
    http: JsonHttp,
    base: string,
    token: string,
    /** Volumes the API still answers that are gone (see Dialect.volumeGone). */
    private readonly gone: (v: CinderVolume) => boolean = () => false,
  ) {
    super(http, 'cinder', base, token);
  }

  /** Every volume, or one page of them in id order. */
  async listVolumes(page?: PageAsk): Promise<CinderVolume[]> {
    const q = page ? query({ sort: 'id:asc', limit: page.limit, marker: page.marker }) : '';
    return (await this.collect<CinderVolume>(`volumes/detail${q}`, 'volumes', page?.limit)).filter((v) => !this.gone(v));
  }

  async getVolume(id: string): Promise<CinderVolume | undefined> {
    const v = await this.find<CinderVolume>(`volumes/${encodeURIComponent(id)}`, 'volume', [400, 404]);
    return v && !this.gone(v) ? v : undefined;
  }

  /** Cinder answers the whole volume; Cyclades only id, display_name and links (volume/views.py create_volume() L142). */
  createVolume(fields: Record<string, unknown>): Promise<Pick<CinderVolume, 'id'> & Partial<CinderVolume>> {
    return this.member('POST', 'volumes', 'volume', { volume: fields });
  }

  updateVolume(id: string, fields: Record<string, unknown>): Promise<CinderVolume> {
    return this.member('PUT', `volumes/${encodeURIComponent(id)}`, 'volume', { volume: fields });
  }

  /** Cascade: the volume's snapshots go with it (they would block the deletion). */
  deleteVolume(id: string): Promise<void> {
    return this.call('DELETE', `volumes/${encodeURIComponent(id)}?cascade=true`);
  }

  setMetadata(id: string, metadata: Record<string, string>): Promise<void> {
    return this.call('POST', `volumes/${encodeURIComponent(id)}/metadata`, { metadata });
  }

  deleteMetadata(id: string, key: string): Promise<void> {
    return this.call('DELETE', `volumes/${encodeURIComponent(id)}/metadata/${encodeURIComponent(key)}`);
  }

  /** `microversion` 3.42 or later lets Cinder extend a volume that is attached (in-use). */
  async extendVolume(id: string, newSize: number, microversion?: string): Promise<void> {
    const extra = microversion ? { 'OpenStack-API-Version': `volume ${microversion}` } : undefined;
    await this.send('POST', `volumes/${encodeURIComponent(id)}/action`, { 'os-extend': { new_size: newSize } }, undefined, extra);
  }

  /** `fields` name the snapshot as the dialect does (Cinder `name`, Cyclades `display_name`). */
  createSnapshot(volumeId: string, fields: Record<string, unknown>): Promise<CinderSnapshot> {
    return this.member('POST', 'snapshots', 'snapshot', { snapshot: { volume_id: volumeId, ...fields } });
  }

  listSnapshots(): Promise<CinderSnapshot[]> {
    return this.collect('snapshots/detail', 'snapshots');
  }

  getSnapshot(id: string): Promise<CinderSnapshot | undefined> {
    return this.find(`snapshots/${encodeURIComponent(id)}`, 'snapshot', [400, 404]);
  }

  deleteSnapshot(id: string): Promise<void> {
    return this.call('DELETE', `snapshots/${encodeURIComponent(id)}`);
  }

  createBackup(volumeId: string, name: string): Promise<CinderBackup> {
    return this.member('POST', 'backups', 'backup', { backup: { volume_id: volumeId, name, force: true } });
  }

  getBackup(id: string): Promise<CinderBackup | undefined> {
    return this.find(`backups/${encodeURIComponent(id)}`, 'backup');
  }

  deleteBackup(id: string): Promise<void> {
    return this.call('DELETE', `backups/${encodeURIComponent(id)}`);
  }

  listVolumeTypes(): Promise<CinderVolumeType[]> {
    return this.collect('types', 'volume_types');
  }
}
