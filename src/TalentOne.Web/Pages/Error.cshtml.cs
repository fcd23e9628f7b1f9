using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace TalentOne.Web.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "出错了";
    public string Message { get; private set; } = "服务暂时出现问题，请稍后再试。";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        if (code == 404) { Title = "页面不存在"; Message = "您访问的页面不存在，请检查地址。"; }
        else if (code == 400) { Title = "请求有误"; Message = "提交的内容无法处理，请返回重新填写。"; }
        else if (code is >= 400 and < 500) { Title = "无法处理该请求"; Message = $"请求未能完成（{code}）。"; }
        if (code is >= 400 and <= 599) Response.StatusCode = code.Value;
    }
}
