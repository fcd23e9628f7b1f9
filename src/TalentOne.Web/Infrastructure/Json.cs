using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace TalentOne.Web.Infrastructure;

public static class Json
{
    /// <summary>Chinese stays readable in responses; HTML-sensitive characters are still escaped.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = Encoder };

    /// <summary>What the API accepts: comments and trailing commas are tolerated, nothing else.</summary>
    public static readonly JsonDocumentOptions Reading = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 32 };
}
