using System.Diagnostics;
using QwenLayered.Engine.ModelFolders;
using QwenLayered.Engine.Runtime;
using QwenLayered.Engine.Vae;
using QwenLayered.Engine.Weights;
using QwenLayered.Toolbox.RandomModels;
using TorchSharp;

// Usage:
//   LoadBench generate <folder> <gigabytes>   writes random bf16 shards (512 MB each) and a shard index
//   LoadBench load <folder> stream|retain     loads every tensor as bf16 on the CPU and reports time and peak RSS
//   LoadBench vae-generate <folder>           writes a published-size RGBA VAE (config.json + bf16 safetensors)
//   LoadBench vae-load <folder> before|after  loads it as bf16 on the CPU and reports peak RSS: "before" is the old
//                                             path (built in fp32, then moved), "after" builds it in bf16 directly
// "stream" drops each tensor after reading it (what a GPU upload leaves in host memory); "retain" keeps them all
// (a CPU-resident model). Run generate and load as separate processes so generation memory is not counted.
if (args.Length < 2) return Usage();
return (args[0], args.Length) switch
{
    ("generate", 3) => Generate(args[1], double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
    ("load", 3) when args[2] is "stream" or "retain" => Load(args[1], retain: args[2] == "retain"),
    ("vae-generate", 2) => VaeGenerate(args[1]),
    ("vae-load", 3) when args[2] is "before" or "after" => VaeLoad(args[1], direct: args[2] == "after"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: LoadBench generate <folder> <gigabytes> | load <folder> stream|retain | vae-generate <folder> | vae-load <folder> before|after");
    return 2;
}

static int VaeGenerate(string folder)
{
    var config = new AutoencoderKLQwenImageConfig { InputChannels = 4 };
    using var vae = new AutoencoderKLQwenImage(config);
    using (var generator = new torch.Generator(0)) RandomWeights.Fill(vae, generator);
    Directory.CreateDirectory(folder);
    File.WriteAllText(Path.Combine(folder, "config.json"), System.Text.Json.JsonSerializer.Serialize(config));
    using var scope = torch.NewDisposeScope();
    SafetensorsWriter.Write(Path.Combine(folder, "diffusion_pytorch_model.safetensors"),
        vae.state_dict().ToDictionary(p => p.Key, p => p.Value.to(torch.ScalarType.BFloat16)));
    Console.WriteLine($"wrote a {vae.parameters().Sum(p => p.numel()) / 1e6:F0}M-parameter VAE to {folder}");
    return 0;
}

static int VaeLoad(string folder, bool direct)
{
    using var warmup = torch.zeros(1);
    long baseline = PeakRssBytes();
    var clock = Stopwatch.StartNew();
    var bf16 = torch.ScalarType.BFloat16;
    AutoencoderKLQwenImage vae;
    if (direct) vae = AutoencoderKLQwenImage.FromPretrained(folder, bf16, torch.CPU);
    else
    {
        // What FromPretrained did before: default construction (fp32 on the CPU), then LoadWeights moves and fills it.
        vae = new AutoencoderKLQwenImage(QwenLayered.Engine.ModelFolders.ConfigFile.Read<AutoencoderKLQwenImageConfig>(Path.Combine(folder, "config.json")));
        using var checkpoint = Checkpoint.Open(folder);
        vae.LoadWeights(checkpoint, bf16, torch.CPU);
    }
    using (vae)
        Console.WriteLine($"vae-load {(direct ? "after (built in bf16)" : "before (fp32, then moved)")}: {clock.Elapsed.TotalSeconds:F2} s, " +
                          $"peak RSS {PeakRssBytes() / (double)(1L << 20):F0} MiB (before loading {baseline / (double)(1L << 20):F0} MiB)");
    return 0;
}

static int Generate(string folder, double gigabytes)
{
    const long ShardBytes = 512L << 20;
    // 3072 x 12288 bf16 = 72 MiB: the size of the transformer's largest matrices.
    long[] shape = [3072, 12288];
    long tensorBytes = shape[0] * shape[1] * 2;
    long tensorCount = (long)Math.Ceiling(gigabytes * (1L << 30) / tensorBytes);
    Directory.CreateDirectory(folder);
    var weightMap = new Dictionary<string, string>();
    var generator = torch.manual_seed(0);
    int perShard = (int)(ShardBytes / tensorBytes);
    int shards = (int)((tensorCount + perShard - 1) / perShard);
    for (int shard = 0; shard < shards; shard++)
    {
        string file = $"model-{shard + 1:D5}-of-{shards:D5}.safetensors";
        var tensors = new Dictionary<string, torch.Tensor>();
        for (long i = shard * perShard; i < Math.Min(tensorCount, (shard + 1L) * perShard); i++)
        {
            string name = $"blocks.{i}.weight";
            tensors[name] = torch.randn(shape, generator: generator).to(torch.ScalarType.BFloat16);
            weightMap[name] = file;
        }
        SafetensorsWriter.Write(Path.Combine(folder, file), tensors);
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }
    string index = System.Text.Json.JsonSerializer.Serialize(new { metadata = new { total_size = tensorCount * tensorBytes }, weight_map = weightMap });
    File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), index);
    Console.WriteLine($"wrote {tensorCount} tensors, {tensorCount * tensorBytes / (double)(1L << 30):F2} GiB in {shards} shards to {folder}");
    return 0;
}

static int Load(string folder, bool retain)
{
    using var warmup = torch.zeros(1);
    long baseline = PeakRssBytes();
    var clock = Stopwatch.StartNew();
    var kept = new List<torch.Tensor>();
    long bytes = 0;
    using (var checkpoint = Checkpoint.Open(folder))
    {
        foreach (string name in checkpoint.Tensors.Keys)
        {
            var tensor = checkpoint.Read(name, torch.ScalarType.BFloat16, torch.CPU);
            bytes += checkpoint.Tensors[name].ByteLength;
            if (retain) kept.Add(tensor);
            else tensor.Dispose();
        }
    }
    clock.Stop();
    long peak = PeakRssBytes();
    double gib = bytes / (double)(1L << 30);
    Console.WriteLine($"mode {(retain ? "retain" : "stream")}: {kept.Count} kept, {gib:F2} GiB read in {clock.Elapsed.TotalSeconds:F2} s " +
                      $"({gib / clock.Elapsed.TotalSeconds:F2} GiB/s); peak RSS {peak / (double)(1L << 20):F0} MiB " +
                      $"(before loading {baseline / (double)(1L << 20):F0} MiB, file size {bytes / (double)(1L << 20):F0} MiB)");
    foreach (var tensor in kept) tensor.Dispose();
    return 0;
}

// VmHWM: the process's peak resident set size, which includes mapped file pages while they are mapped.
static long PeakRssBytes() => HostMemory.PeakResidentBytes() ?? throw new PlatformNotSupportedException("/proc/self/status is needed.");
