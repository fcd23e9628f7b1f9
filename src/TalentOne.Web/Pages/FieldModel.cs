namespace TalentOne.Web.Pages;

/// <summary>A labelled text input with its hint and its errors (by the API's field key), for the _Field partial.</summary>
public sealed record FieldModel(string Name, string Key, string Label, string? Value, IReadOnlyDictionary<string, List<string>> Errors,
    string Autocomplete = "off", string? Hint = null, string Type = "text");
