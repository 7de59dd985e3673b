using Microsoft.AspNetCore.Mvc;
using YouthLeague.Web;

namespace YouthLeague.Setup;

/// <summary>The setup form (to move onto the Razor component layer once it is in main).</summary>
public static class SetupPages
{
    public static ContentResult Form(string? error, IDictionary<string, string[]>? errors, string? username, int status = 200)
    {
        var problems = errors is null ? "" : string.Concat(errors.SelectMany(e => e.Value).Select(Html.Error));
        return Html.Page("系统初始化", $"""
            <h1>系统初始化</h1>
            <p class="muted">创建第一位市级管理员。需要部署时设置的初始化密钥（应用设置 YouthLeague__SetupSecret）。创建后本页即关闭。</p>
            {Html.Error(error)}{problems}
            <form method="post" action="/setup" class="card">
              <label for="secret">初始化密钥</label><input id="secret" name="secret" type="password" required autocomplete="off">
              <label for="username">用户名</label><input id="username" name="username" value="{Html.E(username)}" required pattern="[a-z0-9._\-]{2,64}" autocomplete="username">
              <label for="displayName">姓名或单位</label><input id="displayName" name="displayName" required maxlength="40">
              <label for="password">密码（至少 8 位，含字母和数字）</label><input id="password" name="password" type="password" required minlength="8" autocomplete="new-password">
              <button>创建市级管理员</button>
            </form>
            """, status);
    }
}
