/**
 * The real API handler over a workspace on a temporary data folder, for tests that call the API in
 * process (no HTTP): `call` returns a method's result or fails the test, `failure` its error.
 * open() creates an examiner account named after `actor` and signs it in; signInAs() switches to
 * another account (creating it), e.g. to verify a decision with four eyes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ApiErrorBody, ApiMethod, ApiParams, ApiResult } from '../../electron/common/api.js';
import type { ProgressEvent } from '../../electron/common/events.js';
import { createApiHandler, type ApiHandler } from '../../electron/node/api/handler.js';
import { openWorkspace, type Workspace } from '../../electron/node/services/workspace.js';

export const FACES = join(import.meta.dirname, '..', 'fixtures', 'faces');

/** The passphrase of every account the harnesses create. */
export const TEST_PASSPHRASE = 'correct horse battery staple';

/** Initials of a name: the first letter of each word, e.g. 'B. Verifier' → 'BV'. */
export const initialsOf = (name: string) =>
  (name.match(/\p{L}+/gu) ?? ['X'])
    .map((word) => word[0].toUpperCase())
    .join('')
    .slice(0, 8);

export class HandlerHarness {
  folder = '';
  readonly events: ProgressEvent[] = [];
  #workspace: Workspace | undefined;
  #handler: ApiHandler | undefined;
  /** Settles when the harness's account is signed in; every call waits for it. */
  #signedIn: Promise<void> = Promise.resolve();

  constructor(private readonly options: { folderPrefix: string; actor: string }) {}

  get workspace(): Workspace {
    assert.ok(this.#workspace, 'open() the harness first');
    return this.#workspace;
  }

  open(): void {
    this.folder = mkdtempSync(join(tmpdir(), this.options.folderPrefix));
    this.#workspace = openWorkspace({ dataDir: this.folder, actor: this.options.actor });
    this.#workspace.events.subscribe((event) => this.events.push(event));
    this.#handler = createApiHandler(this.#workspace, { transport: 'cli', checkResults: true });
    this.#signedIn = this.#signIn(this.options.actor);
  }

  /** Signs in as the account `name`, creating it (by the account signed in now) when it does not exist. */
  async signInAs(name: string): Promise<void> {
    await this.#signedIn;
    this.#signedIn = this.#signIn(name);
    await this.#signedIn;
  }

  async #signIn(name: string): Promise<void> {
    assert.ok(this.#handler, 'open() the harness first');
    const { accounts } = this.#workspace!;
    if (!accounts.list().some((account) => account.name === name)) {
      const created = await this.#handler.handle('accounts.create', {
        name,
        initials: initialsOf(name),
        role: 'examiner',
        passphrase: TEST_PASSPHRASE,
      });
      assert.ok(created.ok, `creating the account ${name} failed: ${JSON.stringify(created)}`);
    }
    const signedIn = await this.#handler.handle('accounts.signIn', { name, passphrase: TEST_PASSPHRASE });
    assert.ok(signedIn.ok, `signing in as ${name} failed: ${JSON.stringify(signedIn)}`);
  }

  close(): void {
    this.#workspace?.close();
    rmSync(this.folder, { recursive: true, force: true });
  }

  readonly call = async <M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> => {
    const outcome = await this.#handle(method, params);
    if (!outcome.ok) assert.fail(`${method} failed: ${outcome.error.code} ${outcome.error.message}`);
    return outcome.result as ApiResult<M>;
  };

  readonly failure = async <M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiErrorBody> => {
    const outcome = await this.#handle(method, params);
    assert.equal(outcome.ok, false, `${method} should have failed`);
    return (outcome as { ok: false; error: ApiErrorBody }).error;
  };

  /** The call's outcome as the transport sees it, success or error. */
  readonly attempt = <M extends ApiMethod>(method: M, params: ApiParams<M>) => this.#handle(method, params);

  async #handle(method: string, params: unknown) {
    assert.ok(this.#handler, 'open() the harness first');
    await this.#signedIn;
    return this.#handler.handle(method, params);
  }
}

/** A fixture photo, downscaled so that decoding and detection stay fast, as base64 JPEG. */
export async function fixturePhotoBase64(name: string): Promise<string> {
  const bytes = await sharp(join(FACES, name))
    .resize({ width: 480, withoutEnlargement: true })
    .jpeg()
    .toBuffer();
  return bytes.toString('base64');
}
