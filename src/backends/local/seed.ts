// Seed data of a fresh embedded cloud: Synnefo-style flavors, a few images and
// the shared public network. Pure data; the first migration writes it.

export interface FlavorSeed {
  term: string;
  cores: number;
  ramMiB: number;
  diskGB: number;
}

export interface ImageSeed {
  term: string;
  title: string;
  architecture: 'x86' | 'x64';
}

/** Synnefo names its flavors C<cores>R<RAM MiB>D<disk GB>. */
const flavor = (cores: number, ramMiB: number, diskGB: number): FlavorSeed => ({
  term: `C${cores}R${ramMiB}D${diskGB}`,
  cores,
  ramMiB,
  diskGB,
});

export const FLAVOR_SEEDS: readonly FlavorSeed[] = [
  flavor(1, 1024, 10),
  flavor(1, 2048, 20),
  flavor(2, 2048, 20),
  flavor(2, 4096, 40),
  flavor(4, 4096, 40),
  flavor(4, 8192, 80),
  flavor(8, 16384, 160),
];

export const IMAGE_SEEDS: readonly ImageSeed[] = [
  { term: 'Debian', title: 'Debian 12 bookworm', architecture: 'x64' },
  { term: 'Ubuntu', title: 'Ubuntu 24.04 LTS', architecture: 'x64' },
  { term: 'CentOS', title: 'CentOS Stream 9', architecture: 'x64' },
];

/** The network every tenant sees and may link to, but nobody may change; its well-known id gives it the URL /network/public. */
export const PUBLIC_NETWORK = {
  id: 'public',
  title: 'public',
  summary: 'Shared public network',
  address: '203.0.113.0/24',
  gateway: '203.0.113.1',
  allocation: 'dynamic',
} as const;
