namespace TalentOne.Data;

/// <summary>A dated parameter value added by an administrator (参数取值). Merged over the catalog's files;
/// never updated or deleted — a correction is a newer row.</summary>
public sealed class ParameterValueRecord
{
    public long Id { get; set; }
    /// <summary>Parameter name as declared in catalog/parameters (e.g. min_monthly_wage).</summary>
    public required string Parameter { get; set; }
    public DateOnly From { get; set; }
    /// <summary>Value for every key not listed in <see cref="ByKeyJson"/> (or the only value of an unkeyed parameter).</summary>
    public double? Default { get; set; }
    /// <summary>Values by key code as a JSON object, e.g. {"kecheng": 2070}; "{}" when none.</summary>
    public string ByKeyJson { get; set; } = "{}";
    /// <summary>Source document or legal reference the value is taken from.</summary>
    public required string Source { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One attempt to load the catalog (at start-up, on reload, after a parameter value was added).</summary>
public sealed class CatalogLoadRecord
{
    public long Id { get; set; }
    /// <summary>Hash of the catalog files (null when the load failed before hashing finished).</summary>
    public string? Version { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
    public int PolicyCount { get; set; }
    public bool Succeeded { get; set; }
    /// <summary>Every error as "file:line:column: message", one per line.</summary>
    public string? Errors { get; set; }
    /// <summary>startup | reload | parameter</summary>
    public required string Trigger { get; set; }
}
