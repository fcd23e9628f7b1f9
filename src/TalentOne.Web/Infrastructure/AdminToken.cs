using System.Security.Cryptography;
using System.Text;

namespace TalentOne.Web.Infrastructure;

/// <summary>Until accounts arrive, administrator endpoints require <c>Authorization: Bearer &lt;TalentOne:AdminToken&gt;</c>.
/// With no token configured they are closed (403), never open.</summary>
public sealed class AdminTokenFilter(IConfiguration config) : IEndpointFilter
{
    /// <summary>Recorded as the author of what an administrator adds.</summary>
    public const string Actor = "admin (token)";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var expected = config["TalentOne:AdminToken"];
        if (string.IsNullOrEmpty(expected))
            return TypedResults.Problem(title: "管理接口未启用", statusCode: StatusCodes.Status403Forbidden,
                detail: "admin access is not configured: 未配置 TalentOne:AdminToken，管理接口一律拒绝。");
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        if (given.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected)))
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(title: "需要管理员身份", statusCode: StatusCodes.Status401Unauthorized,
                detail: "请在请求头中提供 Authorization: Bearer <管理令牌>。");
        }
        return await next(context);
    }
}

public static class AdminTokenExtensions
{
    public static TBuilder RequireAdminToken<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, AdminTokenFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
}
