// Every JavaScript snippet of the repository's READMEs runs as written: each ```js block is
// saved as a file of its own (ESM when it imports, else CommonJS) and run by node in a
// scratch directory where `fanline` is the Node binding, `express` the example's dev
// dependency, and `./examples` the repository's examples (snippet paths are relative to the
// repository root). Credentials come from the environment, as the snippets read them.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const SKIP = new Set(['node_modules', 'target', '.git', '.venv', 'test-results'])

/** README.md files under `dir`, outside dependencies and build output. */
function readmes(dir) {
  const found = []
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) found.push(...readmes(full))
    else if (entry.name === 'README.md') found.push(full)
  }
  return found
}

/** The ```js blocks of a Markdown file, with their line numbers. */
function snippets(file) {
  const blocks = []
  const lines = fs.readFileSync(file, 'utf8').split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```js') continue
    const start = i + 1
    let end = start
    while (end < lines.length && lines[end].trim() !== '```') end++
    blocks.push({ line: start, code: lines.slice(start, end).join('\n') })
    i = end
  }
  return blocks
}

/** A scratch directory with `fanline`, `express` and `./examples` where the snippets expect them. */
function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fanline-readme-'))
  fs.mkdirSync(path.join(dir, 'node_modules'))
  fs.symlinkSync(path.join(ROOT, 'bindings-node'), path.join(dir, 'node_modules', 'fanline'))
  fs.symlinkSync(path.join(ROOT, 'examples', 'node', 'node_modules', 'express'), path.join(dir, 'node_modules', 'express'))
  fs.symlinkSync(path.join(ROOT, 'examples'), path.join(dir, 'examples'))
  return dir
}

const ENV = {
  ...process.env,
  AGORA_APP_ID: '970CA35de60c44645bbae8a215061b33',
  AGORA_APP_CERTIFICATE: '5CFd2fd1755d40ecb72977518be15d3b',
  SHARE_KEY: 'readme-snippet-share-key-0123456789',
  FEATURE_CALLS: 'true',
}

const all = readmes(ROOT).flatMap((file) => snippets(file).map((s) => ({ ...s, file: path.relative(ROOT, file) })))

test('the READMEs have JavaScript snippets to run', () => {
  assert.ok(all.length >= 3, `found ${all.length}`)
})

for (const { file, line, code } of all) {
  test(`${file}:${line} runs`, async () => {
    const dir = scratch()
    try {
      const esm = /^\s*(import|export)\s/m.test(code)
      const script = path.join(dir, esm ? 'snippet.mjs' : 'snippet.cjs')
      fs.writeFileSync(script, code)
      // A failure rejects with the exit status and stderr, which the test report shows.
      const { stderr } = await run(process.execPath, [script], { cwd: dir, env: ENV, timeout: 60_000 })
      assert.equal(stderr, '')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
}
