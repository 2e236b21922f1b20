-- Drives goleash from a real Neovim (0.7 or later) with its built-in LSP client:
-- attach to the Go buffer nvim was started with, wait for diagnostics, ask for code actions,
-- apply the preferred quick fix and wait until the diagnostics are gone.
--
--   GOLEASH_CLI=/abs/dist/cli.js GOLEASH_OUT=/tmp/out.json \
--     nvim --headless --clean -u NONE -n file.go -c 'luafile nvim-lsp.lua'
--
-- Everything observed is written as JSON to $GOLEASH_OUT; nvim always quits, with `error` set
-- in the JSON when a step failed.

local cli = assert(os.getenv('GOLEASH_CLI'), 'GOLEASH_CLI is not set')
local out_path = assert(os.getenv('GOLEASH_OUT'), 'GOLEASH_OUT is not set')
local timeout = tonumber(os.getenv('GOLEASH_TIMEOUT_MS') or '') or 10000
local result = { nvim = tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch) }

-- The fields the test looks at, as plain values (vim.diagnostic items carry more).
local function diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(list, { lnum = d.lnum, col = d.col, message = d.message, source = d.source, code = d.code })
  end
  return list
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = 'go' -- the languageId of didOpen; -u NONE means no filetype detection
  local file = vim.api.nvim_buf_get_name(bufnr)
  -- Log each publish too: a client that exits also clears its diagnostics, so "no diagnostics"
  -- alone does not prove the server re-analysed the edited text.
  result.publishes = {}
  local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  local config = {
    name = 'goleash',
    cmd = { 'node', cli, 'lsp', '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, res, ctx, cfg)
        table.insert(result.publishes, { version = res.version or vim.NIL, count = #res.diagnostics })
        return publish(err, res, ctx, cfg)
      end,
    },
  }

  local client_id
  if vim.lsp.start then -- 0.8+: starts and attaches to the current buffer
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    assert(client_id, 'vim.lsp.start_client failed')
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
  assert(client_id, 'could not start the goleash client')

  if not vim.wait(timeout, function() return #vim.diagnostic.get(bufnr) > 0 end, 20) then
    error(('no diagnostics within %d ms'):format(timeout))
  end
  result.before = diagnostics(bufnr)

  -- Back to the LSP shape for the code action context (user_data.lsp holds only some fields in
  -- 0.7, so rebuild it the way vim.lsp.diagnostic does; the sample is ASCII, bytes = UTF-16).
  local d = vim.diagnostic.get(bufnr)[1]
  local diag = vim.tbl_extend('keep', {
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    severity = d.severity,
    message = d.message,
    source = d.source,
    code = d.code,
  }, d.user_data and d.user_data.lsp or {})
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = diag.range,
    context = { diagnostics = { diag }, only = { 'quickfix' } },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, timeout)
  assert(responses, 'textDocument/codeAction failed: ' .. tostring(err))
  local actions, preferred = {}, nil
  for _, response in pairs(responses) do
    assert(not response.error, 'textDocument/codeAction error: ' .. vim.inspect(response.error))
    for _, action in ipairs(response.result or {}) do
      table.insert(actions, { title = action.title, kind = action.kind, isPreferred = action.isPreferred == true })
      if action.isPreferred and not preferred then preferred = action end
    end
  end
  result.actions = actions
  assert(preferred and preferred.edit, 'no preferred quick fix with an edit')

  local client = vim.lsp.get_client_by_id(client_id)
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding or 'utf-16')
  result.applied = preferred.title
  result.text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')

  -- The buffer edit reaches the server as didChange; its next publish clears the diagnostic.
  if not vim.wait(timeout, function() return #vim.diagnostic.get(bufnr) == 0 end, 20) then
    result.after = diagnostics(bufnr)
    error(('diagnostics still there %d ms after the fix'):format(timeout))
  end
  result.after = diagnostics(bufnr)
  local client_now = vim.lsp.get_client_by_id(client_id)
  result.client_running = client_now ~= nil and not client_now.is_stopped(client_now) -- works as . (0.7) and : (0.11)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then result.error = tostring(err) end
local f = assert(io.open(out_path, 'w'))
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qa!')
