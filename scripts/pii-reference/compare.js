#!/usr/bin/env node
// Compares capi-kit's normalization of customer information (`capi hash`) with Meta's reference
// normalizer, capi-param-builder (the npm package pinned in package.json), on the string inputs of
// the reference's own test tables (`tests/*Util.test.js`, shipped in the package).
//
// The inputs are collected by running those test files with a small stand-in for jest whose
// `require` of the normalizer modules hands back wrapped functions that record every string they
// are called with. Each input's reference result is what the reference sends for it: the real
// function's return value (a string, or null for a refusal), except that a SHA-256 or MD5 hex
// digest is lowercased, as the reference's PIIUtil does before sending one (its field functions
// alone pass it on as given). capi-kit's result is what `capi hash FIELD` prints for the input (the
// normalized value, or a refusal on standard error). Two results agree when both refuse or both
// give the same string.
//
// Usage (from the repository root, after `cargo build --release`):
//   npm ci --prefix scripts/pii-reference
//   node scripts/pii-reference/compare.js [--details] [--json FILE]
// CAPI=path/to/capi picks another binary (default target/release/capi). --details prints every
// input on which the two differ (the tables are Meta's synthetic test data, not anyone's PII);
// --json writes every input with both results. Not part of the test suite: it installs a package.

'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');
const { spawnSync } = require('child_process');

// The reference's normalizers and the `capi hash` field each one is compared with.
const FIELDS = {
  getNormalizedEmail: 'em',
  getNormalizedPhone: 'ph',
  getNormalizedName: 'fn',
  getNormalizedCity: 'ct',
  getNormalizedState: 'st',
  getNormalizedZipCode: 'zp',
  getNormalizedCountry: 'country',
  getNormalizedDOB: 'db',
  getNormalizedGender: 'ge',
  getNormalizedExternalID: 'external_id',
};

function parseArgs(argv) {
  const args = { details: false, json: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--details') args.details = true;
    else if (argv[i] === '--json' && i + 1 < argv.length) args.json = argv[++i];
    else {
      console.error(`unknown argument ${argv[i]}\nusage: compare.js [--details] [--json FILE]`);
      process.exit(2);
    }
  }
  return args;
}

function packageDir() {
  try {
    return path.dirname(require.resolve('capi-param-builder-nodejs/package.json', { paths: [__dirname] }));
  } catch (e) {
    console.error('capi-param-builder-nodejs is not installed: run `npm ci --prefix scripts/pii-reference`');
    process.exit(2);
  }
}

// Runs every `*Util.test.js` of the package with a stand-in for jest, recording the string inputs
// handed to the normalizers: [{ fn, input }], each (fn, input) once, in the order first seen.
function collectInputs(dir) {
  const seen = new Set();
  const inputs = [];
  const record = (fn, input) => {
    const key = `${fn}\u0000${input}`;
    if (!seen.has(key)) {
      seen.add(key);
      inputs.push({ fn, input });
    }
  };
  const piiDir = path.join(dir, 'src', 'piiUtil');
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = originalLoad.apply(this, arguments);
    const resolved = Module._resolveFilename(request, parent, isMain);
    if (!parent || !parent.filename.includes(`${path.sep}tests${path.sep}`)) return loaded;
    if (path.dirname(resolved) !== piiDir) return loaded;
    const wrapped = {};
    for (const [name, value] of Object.entries(loaded)) {
      wrapped[name] = typeof value === 'function' && name in FIELDS
        ? (...args) => {
          if (typeof args[0] === 'string') record(name, args[0]);
          return value(...args);
        }
        : value;
    }
    return wrapped;
  };
  // What the test files use of jest: the assertions are not checked here, only run.
  const noop = () => {};
  const matchers = new Proxy(noop, { get: () => matchers, apply: () => matchers });
  const run = (name, fn) => {
    try {
      fn();
    } catch (e) {
      // A test whose own assertions fail does not matter: its inputs are already recorded.
    }
  };
  run.each = () => run;
  Object.assign(global, {
    describe: run, test: run, it: run, expect: () => matchers,
    beforeEach: noop, afterEach: noop, beforeAll: noop, afterAll: noop,
  });
  const tests = fs.readdirSync(path.join(dir, 'tests')).filter((f) => /Util\.test\.js$/.test(f) && f !== 'PIIUtil.test.js');
  for (const file of tests.sort()) require(path.join(dir, 'tests', file));
  Module._load = originalLoad;
  return { inputs, tests };
}

// What the reference's PIIUtil recognizes as already hashed (and sends lowercased).
const DIGEST = /^[A-Fa-f0-9]{64}$|^[A-Fa-f0-9]{32}$/;

// The reference's result for each input (a string, or null), with the real, unwrapped functions.
function referenceResults(dir, inputs) {
  const modules = ['emailUtil', 'phoneUtil', 'stringUtil', 'zipCodeUtil', 'dobUtil', 'genderUtil'];
  const functions = Object.assign({}, ...modules.map((m) => require(path.join(dir, 'src', 'piiUtil', m))));
  return inputs.map(({ fn, input }) => {
    if (DIGEST.test(input.trim())) return input.trim().toLowerCase();
    const result = functions[fn](input);
    return typeof result === 'string' && result !== '' ? result : null;
  });
}

// capi-kit's result for each value of one field: one `capi hash FIELD` run over all of them.
function capiResults(capi, field, values) {
  const run = spawnSync(capi, ['hash', field], { input: values.map((v) => `${v}\n`).join(''), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.error || (run.status !== 0 && run.status !== 1)) {
    console.error(`capi hash ${field} failed: ${run.error || run.stderr}`);
    process.exit(2);
  }
  const refused = new Set();
  for (const line of run.stderr.split('\n')) {
    const match = /^capi hash: line (\d+):/.exec(line);
    if (match) refused.add(Number(match[1]));
  }
  const printed = run.stdout.split('\n').filter((l) => l !== '');
  let next = 0;
  // The hash is the last column: a normalized value may hold a tab itself.
  return values.map((_, i) => {
    if (refused.has(i + 1)) return null;
    const line = printed[next++];
    return line.slice(0, line.lastIndexOf('\t'));
  });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const capi = process.env.CAPI || path.join(__dirname, '..', '..', 'target', 'release', 'capi');
  if (!fs.existsSync(capi)) {
    console.error(`no capi binary at ${capi}: run \`cargo build --release\` or set CAPI`);
    process.exit(2);
  }
  const dir = packageDir();
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  const { inputs, tests } = collectInputs(dir);
  const reference = referenceResults(dir, inputs);
  const cases = inputs.map((c, i) => ({ ...c, field: FIELDS[c.fn], reference: reference[i], capi: undefined }));

  // A value with a line break cannot be one line of `capi hash`'s input.
  const comparable = cases.filter((c) => !/[\r\n]/.test(c.input));
  for (const field of new Set(Object.values(FIELDS))) {
    const ofField = comparable.filter((c) => c.field === field);
    const results = capiResults(capi, field, ofField.map((c) => c.input));
    ofField.forEach((c, i) => { c.capi = results[i]; });
  }

  const classify = (c) => {
    if (c.capi === c.reference) return 'agree';
    if (c.capi === null) return 'capi refuses';
    if (c.reference === null) return 'reference refuses';
    return 'different value';
  };
  const rows = {};
  for (const c of comparable) {
    c.verdict = classify(c);
    const row = rows[c.field] || (rows[c.field] = { inputs: 0, agree: 0, 'different value': 0, 'capi refuses': 0, 'reference refuses': 0 });
    row.inputs += 1;
    row[c.verdict] += 1;
  }
  const total = comparable.length;
  const agree = comparable.filter((c) => c.verdict === 'agree').length;
  console.log(`capi-param-builder-nodejs ${version}: ${tests.length} test files, ${cases.length} distinct string inputs (${cases.length - total} with line breaks left out)`);
  console.log('field        inputs  agree  different  capi-refuses  ref-refuses  agreement');
  for (const field of Object.values(FIELDS)) {
    const r = rows[field];
    if (!r) continue;
    console.log(`${field.padEnd(12)} ${String(r.inputs).padStart(6)} ${String(r.agree).padStart(6)} ${String(r['different value']).padStart(10)} ${String(r['capi refuses']).padStart(13)} ${String(r['reference refuses']).padStart(12)} ${(100 * r.agree / r.inputs).toFixed(1).padStart(9)} %`);
  }
  console.log(`all          ${String(total).padStart(6)} ${String(agree).padStart(6)}${' '.repeat(49)}${(100 * agree / total).toFixed(1).padStart(5)} %`);
  if (args.details) {
    for (const c of comparable.filter((c) => c.verdict !== 'agree')) {
      console.log(`${c.field}\t${c.verdict}\t${JSON.stringify(c.input)}\treference ${JSON.stringify(c.reference)}\tcapi ${JSON.stringify(c.capi)}`);
    }
  }
  if (args.json) {
    fs.writeFileSync(args.json, JSON.stringify({ reference: `capi-param-builder-nodejs ${version}`, cases }, null, 2) + '\n');
  }
}

main();
