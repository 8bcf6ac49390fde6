import { createSigningMaterial } from './signing.js';
import type { SigningMaterial, TopicStore } from './types.js';

/** The service's signing key and certificate, read from the table once per process (created there on first use). */
export class SigningKeys {
  private material: Promise<SigningMaterial> | undefined;

  constructor(private readonly store: TopicStore) {}

  load(): Promise<SigningMaterial> {
    if (this.material === undefined) {
      const loading = this.store.loadSigningMaterial(() => createSigningMaterial());
      this.material = loading;
      // A failed read is not kept: the next publish tries again.
      loading.catch(() => {
        if (this.material === loading) this.material = undefined;
      });
    }
    return this.material;
  }
}
