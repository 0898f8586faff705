// OCCI versioning (spec §3.2; R2): a client asking for a version above 1.2
// gets 501; a client that names only 1.1 gets 1.1 state values.
import { OcciError } from '../errors.js';

export interface OcciVersion {
  onlyV11: boolean;
}

const SUPPORTED = { major: 1, minor: 2 };

/** The answers, the same for every request that gets them. */
const ANY_VERSION: OcciVersion = Object.freeze({ onlyV11: false });
const ONLY_V11: OcciVersion = Object.freeze({ onlyV11: true });

export function requestedOcciVersion(userAgent: string | undefined): OcciVersion {
  if (!userAgent) return ANY_VERSION;
  let highest: { major: number; minor: number } | undefined;
  let count = 0;
  const re = /OCCI\/(\d{1,4})\.(\d{1,4})/g;
  for (let m = re.exec(userAgent); m && count < 16; m = re.exec(userAgent), count++) {
    const v = { major: Number(m[1]), minor: Number(m[2]) };
    if (!highest || v.major > highest.major || (v.major === highest.major && v.minor > highest.minor)) highest = v;
  }
  if (!highest) return ANY_VERSION;
  if (highest.major > SUPPORTED.major || (highest.major === SUPPORTED.major && highest.minor > SUPPORTED.minor)) {
    // R2: a version above ours is a 501.
    throw new OcciError(501, `OCCI/${highest.major}.${highest.minor} is not implemented; this server speaks OCCI/1.2 and OCCI/1.1: name one of those in User-Agent, or none`);
  }
  return highest.major === 1 && highest.minor === 1 ? ONLY_V11 : ANY_VERSION;
}
