// The Synnefo releases the stand-in plays, and what differs between them.
// Every switch names the grnet/synnefo source it follows (read with the
// search tools; the stored copies carry no release tags, so a boundary is
// placed by the upgrade notes and Changelog that announce the change).
export const RELEASES = ['0.16', '0.17', '0.18', '0.19', '0.20'] as const;
export type Release = (typeof RELEASES)[number];

export interface Features {
  /**
   * Astakos answers `access.user.projects`, the UUIDs of the user's projects
   * (snf-astakos-app/astakos/api/tokens.py, authenticate() L109-110, L121; announced under
   * "v0.16.2next" in Changelog, released as 0.17).
   */
  tokenProjects: boolean;
  /** Catalog endpoints carry `region: "default"` (tokens.py compute_endpoints() L43, same commit as tokenProjects). */
  endpointRegion: boolean;
  /**
   * image, network and volume are advertised without their version suffix
   * (docs/upgrade/upgrade-0.19.rst "Re-register service and resource
   * definitions"; snf-common synnefo/lib/services.py fill_endpoints() L21-32 and
   * SNF:exposeVersion). Clients append the endpoint's versionId.
   */
  unversionedEndpoints: boolean;
  /**
   * Volumes may exist without a server when their type is detachable
   * (volume/views.py create_volume(): server_id is required=True in the 0.16
   * form, required=False later; volume/tests/volumes.py
   * test_create_bad_volume_types() L272-293: "Volume type 'file' is not
   * detachable" L289; docs/upgrade/upgrade-0.17.rst helper VMs).
   */
  detachedVolumes: boolean;
  /** os-keypairs and the `key_name` of a create (api/keypairs.py urlpatterns L41-46; api/servers.py create_server()). From 0.19, as issue 13 states. */
  keypairs: boolean;
  /** A create's `user_data` reaches the VM. From 0.20 as issue 13 states; the stored sources do not show it, so earlier releases drop it silently. */
  userData: boolean;
  /** GET on the identity root lists the versions (astakos/api/keystone_versions.py versions_list() L51-56, 2017). */
  identityVersions: boolean;
  /** `shared_to_project` on servers, networks, volumes, floating IPs (Changelog "v0.16.2next": shared resources). */
  sharedToProject: boolean;
  /** Flavors carry os-flavor-access:is_public and SNF:flavor-access (api/flavors.py flavor_to_dict(), a later form than the stored 02071b96). */
  flavorAccess: boolean;
}

export function featuresOf(release: Release): Features {
  const at = (first: Release): boolean => RELEASES.indexOf(release) >= RELEASES.indexOf(first);
  return {
    tokenProjects: at('0.17'),
    endpointRegion: at('0.17'),
    unversionedEndpoints: at('0.19'),
    detachedVolumes: at('0.17'),
    keypairs: at('0.19'),
    userData: at('0.20'),
    identityVersions: at('0.20'),
    sharedToProject: at('0.17'),
    flavorAccess: at('0.19'),
  };
}
