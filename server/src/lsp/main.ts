// Entry point of dist/server.js: the language server alone (VS Code starts it over Node IPC;
// other editors use `goleash lsp --stdio`, which reaches the same startServer).
import { startServer } from './server';

startServer();
