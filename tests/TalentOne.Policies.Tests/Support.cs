using TalentOne.Policies.Catalog;

namespace TalentOne.Policies.Tests;

public static class Repo
{
    public static string Root { get; } = Find();
    public static string Catalog => Path.Combine(Root, "catalog");
    public static string Mini => Path.Combine(AppContext.BaseDirectory, "mini");

    private static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "TalentOne.sln"))) return d.FullName;
        throw new InvalidOperationException("repository root not found");
    }

    private static readonly Lazy<PolicyCatalog> _real = new(() => CatalogLoader.Load(Catalog));
    private static readonly Lazy<PolicyCatalog> _mini = new(() => CatalogLoader.Load(Mini));
    public static PolicyCatalog Real => _real.Value;
    public static PolicyCatalog MiniCatalog => _mini.Value;
}

/// <summary>A scratch copy of the mini catalog in which a test may break a file.</summary>
public sealed class ScratchCatalog : IDisposable
{
    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "talentone-cat-" + Guid.NewGuid().ToString("N"));

    public ScratchCatalog()
    {
        foreach (var f in Directory.EnumerateFiles(Repo.Mini, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Dir, Path.GetRelativePath(Repo.Mini, f));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(f, target);
        }
    }

    public string PolicyFile => Path.Combine(Dir, "policies", "mini.yaml");

    /// <summary>Replaces the first occurrence of <paramref name="from"/> in the policy file.</summary>
    public void Edit(string from, string to)
    {
        var text = File.ReadAllText(PolicyFile);
        int i = text.IndexOf(from, StringComparison.Ordinal);
        if (i < 0) throw new InvalidOperationException($"'{from}' not in mini.yaml");
        File.WriteAllText(PolicyFile, text[..i] + to + text[(i + from.Length)..]);
    }

    /// <summary>The 1-based line and column where <paramref name="snippet"/> starts in the policy file, plus an offset.</summary>
    public (int Line, int Column) Where(string snippet, int offset = 0)
    {
        var text = File.ReadAllText(PolicyFile);
        int i = text.IndexOf(snippet, StringComparison.Ordinal) + offset;
        int line = text[..i].Count(c => c == '\n') + 1;
        int col = i - (text.LastIndexOf('\n', i - 1) + 1) + 1;
        return (line, col);
    }

    public void Dispose() { try { Directory.Delete(Dir, true); } catch (IOException) { } }
}
