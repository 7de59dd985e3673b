using System.Collections.Frozen;
using System.Security.Cryptography;

namespace YouthLeague.Web;

/// <summary>A file under <c>Web/Static/</c>, embedded in the assembly, with the hash of its content.</summary>
public sealed record StaticAsset(string Name, string ContentType, byte[] Content, string Hash)
{
    /// <summary>Where pages link it: the hash in the name, so a changed file is a new URL and the old one can be cached for a year.</summary>
    public string Url => $"{StaticAssets.RoutePrefix}{Path.GetFileNameWithoutExtension(Name)}.{Hash}{Path.GetExtension(Name)}";
}

/// <summary>
/// The stylesheet, the upload script and the icon, served by one function on both hosts at
/// <c>/static/{name}.{hash}.{ext}</c> with long-lived caching.
/// </summary>
public static class StaticAssets
{
    public const string RoutePrefix = "/static/";

    /// <summary>A year, immutable: the URL changes whenever the content does.</summary>
    public const string LongLivedCaching = "public, max-age=31536000, immutable";

    private static readonly FrozenDictionary<string, StaticAsset> ByName = Load();

    public static StaticAsset Stylesheet => ByName["site.css"];

    public static StaticAsset UploadScript => ByName["upload.js"];

    public static StaticAsset Icon => ByName["favicon.svg"];

    /// <summary>
    /// The asset a requested file name names, and whether its hash is the current one (only then may it be cached
    /// for long: a page from before a deployment asking for the old hash gets today's file, revalidated next time).
    /// </summary>
    public static (StaticAsset? Asset, bool Current) Find(string? file)
    {
        // name.hash.ext
        var parts = (file ?? "").Split('.');
        if (parts.Length != 3 || !ByName.TryGetValue(parts[0] + "." + parts[2], out var asset))
        {
            return (null, false);
        }

        return (asset, string.Equals(parts[1], asset.Hash, StringComparison.Ordinal));
    }

    private static FrozenDictionary<string, StaticAsset> Load()
    {
        var assembly = typeof(StaticAssets).Assembly;
        var assets = new Dictionary<string, StaticAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("static/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource["static/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                var other => throw new InvalidOperationException($"No content type for static file {name} ({other})."),
            };
            assets[name] = new StaticAsset(name, type, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes))[..12]);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
