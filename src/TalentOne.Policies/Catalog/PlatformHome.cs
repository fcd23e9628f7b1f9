namespace TalentOne.Policies.Catalog;

/// <summary>The platform's home: the nearest folder, from a starting folder upwards, that holds catalog/policies
/// (the repository root when run from a checkout). The CLI, the web host and the data layer all look here.</summary>
public static class PlatformHome
{
    public static string? Find(string start)
    {
        for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, "catalog", "policies"))) return d.FullName;
        return null;
    }

    /// <summary>The catalog directory found from <paramref name="start"/>, else <c>start/catalog</c>.</summary>
    public static string Catalog(string start) => Path.Combine(Find(start) ?? Path.GetFullPath(start), "catalog");
}
