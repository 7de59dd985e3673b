using YouthLeague.Web;

namespace YouthLeague.UnitTests;

/// <summary>Issue #14: the `back` redirect of "mark notices read" accepted /%09/evil.example and answered 500 to %0a.</summary>
public sealed class LocalPathTests
{
    [Theory]
    [InlineData("/\t/evil.example")] // /%09/evil.example: browsers drop the tab and go to //evil.example
    [InlineData("/\n")] // %0a: a line break in the Location header was a 500
    [InlineData("/\r\nSet-Cookie: x=1")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/ /evil.example")]
    [InlineData("/\u3000/evil.example")]
    [InlineData("")]
    [InlineData(null)]
    public void BackRedirect_OffSiteOrControlCharacters_NotAccepted(string? back) => Assert.Null(Routes.LocalPath(back));

    [Theory]
    [InlineData("/")]
    [InlineData("/villages/zhongxindian-zhonger")]
    [InlineData("/towns/taiping/reviews?year=2026&step=forum")]
    public void BackRedirect_PathOnThisSite_Accepted(string back) => Assert.Equal(back, Routes.LocalPath(back));
}
