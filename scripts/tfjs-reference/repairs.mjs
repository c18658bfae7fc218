// The graph repairs of src/Recognition/Importers/TfjsGraphRepairs.cs, applied to model.json before @tensorflow/tfjs
// runs it, so the reference outputs are the original runtime's on the same graph the importer converts.

const decode = (s) => Buffer.from(s, 'base64').toString('utf8');
const encode = (s) => Buffer.from(s, 'utf8').toString('base64');

/**
 * unfuse-relu-before-prelu: a PReLU written as relu(x) + a·(x − |x|) whose Relu TensorFlow's optimiser fused into the
 * convolution making x (fused_ops [BiasAdd, Relu]) while Abs and Sub still read x. The Relu leaves the fused op and
 * comes back as its own node, read by the Add alone.
 */
function unfuseReluBeforePrelu(json) {
  const nodes = json.modelTopology.node;
  const consumers = new Map();
  for (const n of nodes) {
    for (const i of n.input || []) {
      if (i.startsWith('^')) continue;
      const name = i.endsWith(':0') ? i.slice(0, -2) : i;
      if (!consumers.has(name)) consumers.set(name, []);
      consumers.get(name).push(n);
    }
  }
  let changed = 0;
  for (const n of [...nodes]) {
    const fused = (n.attr?.fused_ops?.list?.s || []).map(decode);
    if (!(n.op === '_FusedConv2D' || n.op === 'FusedDepthwiseConv2dNative') || fused.join() !== 'BiasAdd,Relu') continue;
    const readers = consumers.get(n.name) || [];
    if (!readers.some((c) => c.op === 'Abs')) continue;
    n.attr.fused_ops.list.s = [encode('BiasAdd')];
    const relu = { name: `${n.name}/unfused_relu`, op: 'Relu', input: [n.name], attr: { T: { type: 'DT_FLOAT' } } };
    nodes.push(relu);
    for (const c of readers) {
      if (c.op === 'Add' || c.op === 'AddV2') c.input = c.input.map((i) => (i === n.name ? relu.name : i));
    }
    changed++;
  }
  return changed;
}

const known = { 'unfuse-relu-before-prelu': unfuseReluBeforePrelu };

/** Applies the named repairs in order; returns how many nodes each changed. */
export function repairGraph(json, repairs) {
  const changed = {};
  for (const r of repairs || []) {
    if (!known[r]) throw new Error(`unknown graph repair ${r}`);
    changed[r] = known[r](json);
    if (changed[r] === 0) throw new Error(`graph repair ${r} found nothing to repair`);
  }
  return changed;
}
