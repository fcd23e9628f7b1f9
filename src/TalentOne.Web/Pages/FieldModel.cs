namespace TalentOne.Web.Pages;

/// <summary>A labelled text input with its hint and its errors (by the API's field key), for the _Field partial.</summary>
public sealed record FieldModel(string Name, string Key, string Label, string? Value, IReadOnlyDictionary<string, List<string>> Errors,
    string Autocomplete = "off", string? Hint = null, string Type = "text");

public static class FormErrors
{
    /// <summary>Adds each error under its field key, as the _Field partial reads them.</summary>
    public static void AddAll(this Dictionary<string, List<string>> errors, IEnumerable<TalentOne.Policies.Profiles.ProfileError> list)
    {
        foreach (var e in list)
        {
            if (!errors.TryGetValue(e.Field, out var l)) errors[e.Field] = l = [];
            l.Add(e.Message);
        }
    }
}
