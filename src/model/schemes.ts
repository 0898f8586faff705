// OCCI-defined schemes (spec §2.1). Concatenation with a term gives a type id.
const S = 'http://schemas.ogf.org/occi';

export const CORE = `${S}/core#`;
export const INFRA = `${S}/infrastructure#`;
export const NETWORK_MIXINS = `${S}/infrastructure/network#`;
export const NETWORKINTERFACE_MIXINS = `${S}/infrastructure/networkinterface#`;
export const CREDENTIALS = `${S}/infrastructure/credentials#`;
export const COMPUTE_MIXINS = `${S}/infrastructure/compute#`;
export const COMPUTE_ACTIONS = `${S}/infrastructure/compute/action#`;
export const NETWORK_ACTIONS = `${S}/infrastructure/network/action#`;
export const STORAGE_ACTIONS = `${S}/infrastructure/storage/action#`;
/** The base reserved for OCCI itself: provider and user categories must not use it (R38). */
export const RESERVED_BASE = `${S}/`;

/** Provider schemes for snf-occi's own categories. */
export const PROVIDER = 'http://schemas.snf-occi.org/occi';
export const OS_TPL_SCHEME = `${PROVIDER}/os_tpl#`;
export const RESOURCE_TPL_SCHEME = `${PROVIDER}/resource_tpl#`;
export const AVAILABILITY_ZONE_SCHEME = `${PROVIDER}/availability_zone#`;
export const SECURITY_GROUP_SCHEME = `${PROVIDER}/security_group#`;
/** Scheme bases of the provider's categories (ours, and ooi's OpenStack ones): not for user mixins. */
export const PROVIDER_SCHEME_BASES: readonly string[] = [`${PROVIDER}/`, 'http://schemas.openstack.org/'];
/** snf-occi's own abstract parents of provider mixin families. */
export const PROVIDER_INFRA = `${PROVIDER}/infrastructure#`;
