// The CLI tests run the built command with spawnSync, which blocks this worker's event loop for
// the whole test. Vitest's worker reports progress to the main process over RPC with a 60 s
// timeout, and the reply is only read when the event loop gets a full turn: a file whose tests
// block for more than 60 s in total, with only microtask awaits between them, ends in
// "Timeout calling onTaskUpdate" and a failed run even though every test passed. One macrotask
// turn after each test lets the replies in.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
