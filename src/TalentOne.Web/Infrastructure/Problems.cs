using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using TalentOne.Policies.Profiles;

namespace TalentOne.Web.Infrastructure;

/// <summary>problem+json answers (RFC 9457) with Chinese titles; field errors keyed by the field's path.</summary>
public static class Problems
{
    public static ValidationProblem Invalid(IEnumerable<ProfileError> errors, string title = "提交的数据有误") =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
            title: title);

    public static ValidationProblem Invalid(string field, string message, string title = "提交的数据有误") =>
        Invalid([new ProfileError(field, message)], title);

    public static ProfileError MalformedJson(System.Text.Json.JsonException je) => new("$",
        string.Format(CultureInfo.InvariantCulture, "JSON 格式错误（第 {0} 行，第 {1} 个字节附近）：请检查括号、引号和逗号",
            (je.LineNumber ?? 0) + 1, (je.BytePositionInLine ?? 0) + 1));

    public static ProblemHttpResult CatalogUnavailable() => TypedResults.Problem(
        title: "政策目录暂不可用", detail: "政策目录尚未成功加载，请联系管理员查看 GET /api/v1/catalog 中的加载错误。",
        statusCode: StatusCodes.Status503ServiceUnavailable);

    /// <summary>A refusal that is not bad input (404 not found, 409 duplicate or conflict, …) as a problem whose detail
    /// is every message and whose errors name each field, like a validation problem does.</summary>
    public static ProblemHttpResult Refused(TalentOne.Registry.Records.RegistryException re) => TypedResults.Problem(
        title: re.Status switch { 404 => "未找到", 409 => "重复或冲突", _ => "无法办理" },
        detail: string.Join("；", re.Errors.Select(e => e.Message)), statusCode: re.Status,
        extensions: new Dictionary<string, object?> { ["errors"] = re.Errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()) });

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status404NotFound);
}
