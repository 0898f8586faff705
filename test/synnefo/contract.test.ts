// The backend contract (test/backends/contract.ts) on the OpenStack backend
// in the Synnefo dialect, against the Synnefo stand-in of every release.
// Computes come from a flavor of the detachable archipelago volume type, so
// volumes can be attached to them; what Synnefo never does is skipped with
// the reason.
import type { Mixin } from '../../src/model/category.js';
import { openOpenStackBackend } from '../../src/backends/openstack/index.js';
import { backendContract } from '../backends/contract.js';
import { RELEASES, startStandin } from './standin/index.js';

for (const release of RELEASES) {
  backendContract(`openstack, Synnefo ${release} (stand-in)`, async () => {
    const standin = await startStandin({ release });
    const backend = openOpenStackBackend({ keystoneUrl: standin.identityUrl, dialect: 'synnefo', timeoutMs: 5_000 });
    const close = backend.close.bind(backend);
    backend.close = async () => {
      await close();
      await standin.close();
    };
    return {
      backend,
      alice: await backend.authenticate({ token: 'alice-snf-token' }),
      bob: await backend.authenticate({ token: 'bob-snf-token' }),
      settle: () => new Promise((r) => setTimeout(r, 5)),
      size: (offered: Mixin[]) => offered.find((m) => m.term === 'C1R1024D20archipelago')!,
      cannot: {
        suspend: 'Cyclades has no suspend (api/servers.py server actions)',
        networkUpDown: 'Cyclades networks have no administrative state (api/networks.py update_network() L146-158: name only)',
        resizeStorage: 'Cyclades volumes cannot be extended (volume/urls.py VOLUME_ACTIONS: reassign only)', // volume/urls.py L62-64, demux L67-84
        ...(release === '0.16' ? { storageAlone: 'Synnefo 0.16 creates volumes only with a server (volume/views.py create_volume(): server_id required)' } : {}),
      },
    };
  });
}
