// Thin typed wrapper of the Block Storage API (v3; Synnefo's v2 dialect) calls the backend needs.
import type { JsonHttp } from './http.js';
import type { Id } from './nova.js';
import { ServiceClient } from './service-client.js';

export interface CinderVolume {
  id: Id;
  status: string;
  size: number;
  name?: string | null;
  /** Synnefo (and Cinder v1) name the volume display_name. */
  display_name?: string | null;
  attachments?: { server_id: Id; device?: string | null; attachment_id?: Id }[];
  metadata?: Record<string, string>;
}

export interface CinderBackup {
  id: Id;
  status?: string;
  fail_reason?: string | null;
}

export class Cinder extends ServiceClient {
  constructor(http: JsonHttp, base: string, token: string) {
    super(http, 'cinder', base, token);
  }

  listVolumes(): Promise<CinderVolume[]> {
    return this.collect('volumes/detail', 'volumes');
  }

  getVolume(id: string): Promise<CinderVolume | undefined> {
    return this.find(`volumes/${encodeURIComponent(id)}`, 'volume', [400, 404]);
  }

  createVolume(fields: Record<string, unknown>): Promise<CinderVolume> {
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

  extendVolume(id: string, newSize: number): Promise<void> {
    return this.call('POST', `volumes/${encodeURIComponent(id)}/action`, { 'os-extend': { new_size: newSize } });
  }

  createSnapshot(volumeId: string, name: string): Promise<{ id: Id }> {
    return this.member('POST', 'snapshots', 'snapshot', { snapshot: { volume_id: volumeId, name, force: true } });
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

  listVolumeTypes(): Promise<{ id: Id; name: string }[]> {
    return this.collect('types', 'volume_types');
  }
}
