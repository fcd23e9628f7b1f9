namespace TalentOne.Web.Tests.Infrastructure;

/// <summary>The repository and a private copy of its catalog for one test host. The copy holds the schema, the
/// parameters and the Quzhou document (衢委发〔2020〕7号) only, so that tests do not depend on documents still being
/// edited, and a test may break a file without touching anyone else's.</summary>
public static class TestCatalog
{
    public const string QuzhouFile = "quzhou-2020-7.yaml";

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TalentOne.sln")) && Directory.Exists(Path.Combine(dir.FullName, "catalog")))
                return dir.FullName;
        throw new InvalidOperationException($"Cannot find the repository root (TalentOne.sln next to catalog/) above {AppContext.BaseDirectory}.");
    }

    /// <summary>Copies the catalog without its policies (schema, parameters, departments, certification routes, services…)
    /// plus catalog/policies/quzhou-2020-7.yaml to a new temporary directory; returns the path of its catalog/ folder.</summary>
    public static string CreateCopy(bool withPolicies = true)
    {
        var source = Path.Combine(RepoRoot, "catalog");
        var target = Path.Combine(Path.GetTempPath(), "talentone-tests", Guid.NewGuid().ToString("N")[..12], "catalog");
        foreach (var dir in Directory.EnumerateDirectories(source).Where(d => Path.GetFileName(d) != "policies"))
            CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        Directory.CreateDirectory(Path.Combine(target, "policies"));
        if (withPolicies)
            File.Copy(Path.Combine(source, "policies", QuzhouFile), Path.Combine(target, "policies", QuzhouFile));
        return target;
    }

    /// <summary>Adds every policy file of the repository to a catalog copy (which holds only the Quzhou policies): the
    /// items of other cities pay out their own cities' policies. Call before the host first loads the catalog, or reload.</summary>
    public static void AddAllPolicies(string catalogRoot)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoRoot, "catalog", "policies"), "*.yaml"))
        {
            var target = Path.Combine(catalogRoot, "policies", Path.GetFileName(file));
            if (!File.Exists(target)) File.Copy(file, target);
        }
    }

    public static void DeleteCopy(string catalogRoot)
    {
        try { Directory.Delete(Path.GetDirectoryName(catalogRoot)!, recursive: true); }
        catch (IOException) { }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
    }
}
