namespace FaceGrains.Recognition.Tests.Onnx;

/// <summary>
/// Naive forward pass of the ONNX operators (opset 17) the graph builder emits, written from the
/// operator definitions in onnx/docs/Operators.md: NCHW layout, ceil_mode 0, dilations 1,
/// pads as [top, left, bottom, right] for 2-D spatial ops and [x1_begin, …, x1_end, …] for Pad.
/// Sums are accumulated in double so the reference is at least as exact as the runtime.
/// </summary>
internal static class Reference
{
    /// <summary>ONNX "explicit padding" output size with ceil_mode = 0 and dilation 1.</summary>
    public static int OutputSize(int input, int kernel, int stride, int padBegin, int padEnd)
    {
        var size = ((input + padBegin + padEnd - kernel) / stride) + 1;
        if (input + padBegin + padEnd < kernel || size <= 0)
        {
            throw new ArgumentException($"Kernel {kernel} does not fit input {input} with pads {padBegin}/{padEnd}.");
        }

        return size;
    }

    /// <summary>
    /// Conv: X [N,C,H,W], W [M, C/group, kH, kW], optional B [M].
    /// Y[n,m,oh,ow] = B[m] + Σ_{c,i,j} X[n, g·C/group + c, oh·sH − padTop + i, ow·sW − padLeft + j] · W[m,c,i,j],
    /// with g = m / (M/group) and out-of-range input positions reading as zero.
    /// </summary>
    public static RefTensor Conv(RefTensor x, RefTensor w, RefTensor? b, int[] strides, int[] pads, int group)
    {
        Require(x.Rank == 4 && w.Rank == 4, "Conv expects 4-D X and W.");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int m = w.Shape[0], cPerGroup = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        Require(c % group == 0 && m % group == 0 && c / group == cPerGroup, "Conv channel/group mismatch.");
        Require(b is null || (b.Rank == 1 && b.Shape[0] == m), "Conv bias must be [M].");
        int padTop = pads[0], padLeft = pads[1], padBottom = pads[2], padRight = pads[3];
        var oh = OutputSize(h, kh, strides[0], padTop, padBottom);
        var ow = OutputSize(wd, kw, strides[1], padLeft, padRight);
        var mPerGroup = m / group;
        var y = new RefTensor([n, m, oh, ow]);
        for (var ni = 0; ni < n; ni++)
        {
            for (var mi = 0; mi < m; mi++)
            {
                var g = mi / mPerGroup;
                for (var yi = 0; yi < oh; yi++)
                {
                    for (var xi = 0; xi < ow; xi++)
                    {
                        double sum = b is null ? 0 : b.Data[mi];
                        for (var ci = 0; ci < cPerGroup; ci++)
                        {
                            for (var i = 0; i < kh; i++)
                            {
                                var hy = (yi * strides[0]) - padTop + i;
                                if (hy < 0 || hy >= h)
                                {
                                    continue;
                                }

                                for (var j = 0; j < kw; j++)
                                {
                                    var wx = (xi * strides[1]) - padLeft + j;
                                    if (wx < 0 || wx >= wd)
                                    {
                                        continue;
                                    }

                                    sum += (double)x[ni, (g * cPerGroup) + ci, hy, wx] * w[mi, ci, i, j];
                                }
                            }
                        }

                        y[ni, mi, yi, xi] = (float)sum;
                    }
                }
            }
        }

        return y;
    }

    /// <summary>BatchNormalization, inference: Y = scale·(X − mean)/sqrt(var + ε) + B, all per channel (axis 1).</summary>
    public static RefTensor BatchNormalization(RefTensor x, RefTensor scale, RefTensor bias, RefTensor mean, RefTensor variance, float epsilon)
    {
        var c = x.Shape[1];
        Require(new[] { scale, bias, mean, variance }.All(t => t.Rank == 1 && t.Shape[0] == c), "BatchNormalization parameters must be [C].");
        var y = new RefTensor(x.Shape);
        for (var i = 0; i < x.Data.Length; i++)
        {
            var ch = x.IndexOf(i)[1];
            var normalised = (x.Data[i] - (double)mean.Data[ch]) / Math.Sqrt(variance.Data[ch] + (double)epsilon);
            y.Data[i] = (float)((scale.Data[ch] * normalised) + bias.Data[ch]);
        }

        return y;
    }

    /// <summary>Multidirectional (numpy) broadcasting: shapes are right-aligned, each pair of dims equal or one of them 1.</summary>
    public static int[] BroadcastShape(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var shape = new int[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            var db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            Require(da == db || da == 1 || db == 1, $"Shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast.");
            shape[i] = da == 1 ? db : da;
        }

        return shape;
    }

    /// <summary>Flat offset into <paramref name="t"/> of the broadcast index <paramref name="index"/> (rank ≥ t.Rank).</summary>
    private static int BroadcastOffset(RefTensor t, int[] index)
    {
        var shift = index.Length - t.Rank;
        var offset = 0;
        for (var i = 0; i < t.Rank; i++)
        {
            var k = t.Shape[i] == 1 ? 0 : index[i + shift];
            offset += k * t.Strides[i];
        }

        return offset;
    }

    public static RefTensor Binary(RefTensor a, RefTensor b, Func<double, double, double> op)
    {
        var y = new RefTensor(BroadcastShape(a.Shape, b.Shape));
        for (var i = 0; i < y.Data.Length; i++)
        {
            var index = y.IndexOf(i);
            y.Data[i] = (float)op(a.Data[BroadcastOffset(a, index)], b.Data[BroadcastOffset(b, index)]);
        }

        return y;
    }

    public static RefTensor Mul(RefTensor a, RefTensor b) => Binary(a, b, (p, q) => p * q);

    public static RefTensor Add(RefTensor a, RefTensor b) => Binary(a, b, (p, q) => p + q);

    public static RefTensor Sub(RefTensor a, RefTensor b) => Binary(a, b, (p, q) => p - q);

    public static RefTensor Div(RefTensor a, RefTensor b) => Binary(a, b, (p, q) => p / q);

    public static RefTensor Relu(RefTensor x) => new(x.Shape, x.Data.Select(v => Math.Max(v, 0f)).ToArray());

    /// <summary>PRelu: Y = X where X ≥ 0, slope·X elsewhere; slope broadcasts unidirectionally to X.</summary>
    public static RefTensor PRelu(RefTensor x, RefTensor slope)
    {
        Require(BroadcastShape(x.Shape, slope.Shape).SequenceEqual(x.Shape), "PRelu slope must broadcast to X.");
        return Binary(x, slope, (v, s) => v >= 0 ? v : s * v);
    }

    /// <summary>MaxPool: maximum over the window's positions inside the input (padding never wins).</summary>
    public static RefTensor MaxPool(RefTensor x, int[] kernel, int[] strides, int[] pads) =>
        Pool(x, kernel, strides, pads, (values, _) => values.Max());

    /// <summary>
    /// AveragePool: sum over the window's positions inside the input divided by the number of those
    /// positions (count_include_pad = 0) or by the full kernel size (count_include_pad = 1, padding counts as zeros).
    /// </summary>
    public static RefTensor AveragePool(RefTensor x, int[] kernel, int[] strides, int[] pads, bool countIncludePad) =>
        Pool(x, kernel, strides, pads, (values, kernelSize) => values.Sum() / (countIncludePad ? kernelSize : values.Count));

    private static RefTensor Pool(RefTensor x, int[] kernel, int[] strides, int[] pads, Func<List<double>, int, double> reduce)
    {
        Require(x.Rank == 4, "Pooling expects 4-D X.");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var oh = OutputSize(h, kernel[0], strides[0], pads[0], pads[2]);
        var ow = OutputSize(w, kernel[1], strides[1], pads[1], pads[3]);
        var y = new RefTensor([n, c, oh, ow]);
        var values = new List<double>();
        for (var ni = 0; ni < n; ni++)
        {
            for (var ci = 0; ci < c; ci++)
            {
                for (var yi = 0; yi < oh; yi++)
                {
                    for (var xi = 0; xi < ow; xi++)
                    {
                        values.Clear();
                        for (var i = 0; i < kernel[0]; i++)
                        {
                            for (var j = 0; j < kernel[1]; j++)
                            {
                                var hy = (yi * strides[0]) - pads[0] + i;
                                var wx = (xi * strides[1]) - pads[1] + j;
                                if (hy >= 0 && hy < h && wx >= 0 && wx < w)
                                {
                                    values.Add(x[ni, ci, hy, wx]);
                                }
                            }
                        }

                        Require(values.Count > 0, "A pooling window lies entirely in the padding.");
                        y[ni, ci, yi, xi] = (float)reduce(values, kernel[0] * kernel[1]);
                    }
                }
            }
        }

        return y;
    }

    /// <summary>GlobalAveragePool: mean over H and W, output [N, C, 1, 1].</summary>
    public static RefTensor GlobalAveragePool(RefTensor x)
    {
        var means = ReduceMeanSpatial(x);
        return new RefTensor([x.Shape[0], x.Shape[1], 1, 1], means.Data);
    }

    /// <summary>ReduceMean over axes [2, 3] with keepdims = 0: output [N, C].</summary>
    public static RefTensor ReduceMeanSpatial(RefTensor x)
    {
        Require(x.Rank == 4, "Spatial mean expects 4-D X.");
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = new RefTensor([n, c]);
        for (var ni = 0; ni < n; ni++)
        {
            for (var ci = 0; ci < c; ci++)
            {
                double sum = 0;
                for (var i = 0; i < h; i++)
                {
                    for (var j = 0; j < w; j++)
                    {
                        sum += x[ni, ci, i, j];
                    }
                }

                y[ni, ci] = (float)(sum / (h * w));
            }
        }

        return y;
    }

    /// <summary>Pad, mode constant, value 0: pads = [x1_begin, x2_begin, …, x1_end, x2_end, …] (non-negative here).</summary>
    public static RefTensor Pad(RefTensor x, long[] pads)
    {
        Require(pads.Length == 2 * x.Rank && pads.All(p => p >= 0), "Pad needs 2·rank non-negative pads.");
        var shape = new int[x.Rank];
        for (var i = 0; i < x.Rank; i++)
        {
            shape[i] = x.Shape[i] + (int)pads[i] + (int)pads[i + x.Rank];
        }

        var y = new RefTensor(shape);
        for (var i = 0; i < x.Data.Length; i++)
        {
            var index = x.IndexOf(i);
            for (var d = 0; d < x.Rank; d++)
            {
                index[d] += (int)pads[d];
            }

            y.Data[y.OffsetOf(index)] = x.Data[i];
        }

        return y;
    }

    /// <summary>Concat along <paramref name="axis"/>: all other dims equal.</summary>
    public static RefTensor Concat(int axis, params RefTensor[] inputs)
    {
        var first = inputs[0];
        Require(inputs.All(t => t.Rank == first.Rank && Enumerable.Range(0, t.Rank).All(d => d == axis || t.Shape[d] == first.Shape[d])),
            "Concat inputs disagree off the axis.");
        var shape = (int[])first.Shape.Clone();
        shape[axis] = inputs.Sum(t => t.Shape[axis]);
        var y = new RefTensor(shape);
        var start = 0;
        foreach (var t in inputs)
        {
            for (var i = 0; i < t.Data.Length; i++)
            {
                var index = t.IndexOf(i);
                index[axis] += start;
                y.Data[y.OffsetOf(index)] = t.Data[i];
            }

            start += t.Shape[axis];
        }

        return y;
    }

    /// <summary>Flatten: [d0…d(axis−1)] × [d(axis)…] as a 2-D tensor; row-major data is unchanged.</summary>
    public static RefTensor Flatten(RefTensor x, int axis)
    {
        var outer = ElementCount(x.Shape[..axis]);
        var inner = ElementCount(x.Shape[axis..]);
        return new RefTensor([outer, inner], (float[])x.Data.Clone());
    }

    /// <summary>Gemm with alpha = beta = 1, transA = 0: Y = A·B' + C, B' = transB ? Bᵀ : B, C broadcast to [M, N].</summary>
    public static RefTensor Gemm(RefTensor a, RefTensor b, RefTensor? c, bool transB)
    {
        Require(a.Rank == 2 && b.Rank == 2, "Gemm expects 2-D A and B.");
        int m = a.Shape[0], k = a.Shape[1];
        var n = transB ? b.Shape[0] : b.Shape[1];
        Require((transB ? b.Shape[1] : b.Shape[0]) == k, "Gemm inner dimensions differ.");
        Require(c is null || BroadcastShape([m, n], c.Shape).SequenceEqual([m, n]), "Gemm C must broadcast to [M, N].");
        var y = new RefTensor([m, n]);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double sum = c is null ? 0 : c.Data[BroadcastOffset(c, [i, j])];
                for (var p = 0; p < k; p++)
                {
                    sum += (double)a[i, p] * (transB ? b[j, p] : b[p, j]);
                }

                y[i, j] = (float)sum;
            }
        }

        return y;
    }

    /// <summary>
    /// MatMul as numpy.matmul for ranks ≥ 2: the last two dims multiply, leading (batch) dims broadcast.
    /// </summary>
    public static RefTensor MatMul(RefTensor a, RefTensor b)
    {
        Require(a.Rank >= 2 && b.Rank >= 2, "This reference MatMul handles ranks ≥ 2.");
        int m = a.Shape[^2], k = a.Shape[^1], n = b.Shape[^1];
        Require(b.Shape[^2] == k, "MatMul inner dimensions differ.");
        var batch = BroadcastShape(a.Shape[..^2], b.Shape[..^2]);
        var y = new RefTensor([.. batch, m, n]);
        var aBatch = new RefTensor(a.Shape[..^2]);
        var bBatch = new RefTensor(b.Shape[..^2]);
        var batchCount = ElementCount(batch);
        var batchIndexer = new RefTensor(batch);
        for (var bi = 0; bi < batchCount; bi++)
        {
            var index = batchIndexer.IndexOf(bi);
            var aBase = BroadcastOffset(aBatch, index) * m * k;
            var bBase = BroadcastOffset(bBatch, index) * k * n;
            for (var i = 0; i < m; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (var p = 0; p < k; p++)
                    {
                        sum += (double)a.Data[aBase + (i * k) + p] * b.Data[bBase + (p * n) + j];
                    }

                    y.Data[(bi * m * n) + (i * n) + j] = (float)sum;
                }
            }
        }

        return y;
    }

    /// <summary>LpNormalization with p = 2: each vector along <paramref name="axis"/> divided by its Euclidean norm.</summary>
    public static RefTensor L2Normalize(RefTensor x, int axis)
    {
        var y = new RefTensor(x.Shape);
        var len = x.Shape[axis];
        var stride = x.Strides[axis];
        for (var i = 0; i < x.Data.Length; i++)
        {
            var index = x.IndexOf(i);
            if (index[axis] != 0)
            {
                continue;
            }

            double sumSq = 0;
            for (var k = 0; k < len; k++)
            {
                double v = x.Data[i + (k * stride)];
                sumSq += v * v;
            }

            var norm = Math.Sqrt(sumSq);
            for (var k = 0; k < len; k++)
            {
                y.Data[i + (k * stride)] = (float)(x.Data[i + (k * stride)] / norm);
            }
        }

        return y;
    }

    /// <summary>Transpose of a 4-D tensor: output axis i is input axis perm[i].</summary>
    public static RefTensor Transpose(RefTensor x, int[] perm)
    {
        Require(x.Rank == 4 && perm.Length == 4, "Transpose expects 4-D X and a 4-axis permutation.");
        var y = new RefTensor(perm.Select(p => x.Shape[p]).ToArray());
        var index = new int[4];
        for (index[0] = 0; index[0] < x.Shape[0]; index[0]++)
        {
            for (index[1] = 0; index[1] < x.Shape[1]; index[1]++)
            {
                for (index[2] = 0; index[2] < x.Shape[2]; index[2]++)
                {
                    for (index[3] = 0; index[3] < x.Shape[3]; index[3]++)
                    {
                        y[index[perm[0]], index[perm[1]], index[perm[2]], index[perm[3]]] = x[index[0], index[1], index[2], index[3]];
                    }
                }
            }
        }

        return y;
    }

    /// <summary>LayerNormalization over the last axis: (x − mean) / √(var + ε) · scale + bias, biased variance.</summary>
    public static RefTensor LayerNormalizationLastAxis(RefTensor x, RefTensor scale, RefTensor bias, float epsilon)
    {
        var len = x.Shape[^1];
        Require(scale.Data.Length == len && bias.Data.Length == len, "Scale and bias must match the last axis.");
        var y = new RefTensor(x.Shape);
        for (var start = 0; start < x.Data.Length; start += len)
        {
            var (mean, inv) = Moments(x.Data.AsSpan(start, len), epsilon);
            for (var k = 0; k < len; k++)
            {
                y.Data[start + k] = (float)(((x.Data[start + k] - mean) * inv * scale.Data[k]) + bias.Data[k]);
            }
        }

        return y;
    }

    /// <summary>Group normalisation of [N, C, H, W]: per (sample, group of C/G channels) moments, then per-channel scale and bias.</summary>
    public static RefTensor GroupNormalization(RefTensor x, int groups, RefTensor scale, RefTensor bias, float epsilon)
    {
        Require(x.Rank == 4 && x.Shape[1] % groups == 0, "GroupNormalization expects 4-D X with C divisible by the group count.");
        var perGroup = x.Shape[1] / groups * x.Shape[2] * x.Shape[3];
        var perChannel = x.Shape[2] * x.Shape[3];
        var y = new RefTensor(x.Shape);
        for (var start = 0; start < x.Data.Length; start += perGroup)
        {
            var (mean, inv) = Moments(x.Data.AsSpan(start, perGroup), epsilon);
            for (var k = 0; k < perGroup; k++)
            {
                var channel = (start + k) / perChannel % x.Shape[1];
                y.Data[start + k] = (float)(((x.Data[start + k] - mean) * inv * scale.Data[channel]) + bias.Data[channel]);
            }
        }

        return y;
    }

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)).</summary>
    public static RefTensor Gelu(RefTensor x) =>
        new(x.Shape, x.Data.Select(v => (float)(0.5 * v * (1 + Erf(v / Math.Sqrt(2))))).ToArray());

    /// <summary>erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    public static double Erf(double x)
    {
        var sign = Math.Sign(x);
        x = Math.Abs(x);
        var t = 1 / (1 + (0.3275911 * x));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        return sign * (1 - (poly * Math.Exp(-x * x)));
    }

    private static (double Mean, double InvStd) Moments(ReadOnlySpan<float> values, float epsilon)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }

        var mean = sum / values.Length;
        double squares = 0;
        foreach (var v in values)
        {
            squares += (v - mean) * (v - mean);
        }

        return (mean, 1 / Math.Sqrt((squares / values.Length) + epsilon));
    }

    private static int ElementCount(int[] shape) => RefTensor.ElementCount(shape);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
