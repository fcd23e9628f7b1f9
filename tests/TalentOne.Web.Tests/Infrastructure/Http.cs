using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace TalentOne.Web.Tests.Infrastructure;

/// <summary>Requests the way a client sends them, and checks that show the body they got when they fail.</summary>
public static class Http
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, string json, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (bearer != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, JsonNode json, string? bearer = null) =>
        client.PostJsonAsync(url, json.ToJsonString(), bearer);

    /// <summary>Asserts the status code and returns the body; on failure the message carries the body.</summary>
    public static async Task<string> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status, string scenario)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status)
            throw new XunitException($"{scenario}: expected HTTP {(int)status} {status}, got {(int)response.StatusCode} {response.StatusCode}.\nBody:\n{Truncate(body)}");
        return body;
    }

    public static async Task<JsonObject> ExpectJsonAsync(this HttpResponseMessage response, HttpStatusCode status, string scenario)
    {
        var body = await response.ExpectAsync(status, scenario);
        return JsonNode.Parse(body) as JsonObject ?? throw new XunitException($"{scenario}: body is not a JSON object:\n{Truncate(body)}");
    }

    /// <summary>Asserts a problem+json answer and returns it.</summary>
    public static async Task<JsonObject> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string scenario)
    {
        var problem = await response.ExpectJsonAsync(status, scenario);
        var type = response.Content.Headers.ContentType?.MediaType;
        if (type != "application/problem+json")
            throw new XunitException($"{scenario}: expected Content-Type application/problem+json, got {type}.\nBody:\n{Truncate(problem.ToJsonString())}");
        return problem;
    }

    public static void That(bool condition, string what, JsonNode? body)
    {
        if (!condition) throw new XunitException($"{what}\nBody:\n{Truncate(body?.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "(none)")}");
    }

    private static string Truncate(string s) => s.Length > 6000 ? s[..6000] + "…" : s;
}
