using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using YouthLeague.Auth;
using YouthLeague.Checklist;
using YouthLeague.Ledger;
using YouthLeague.Web.Pages;

namespace YouthLeague.Web;

/// <summary>
/// The register (团员青年台账) as pages: the list (phones in full only for the village's secretary and its town
/// reviewers), one form per person to add, change or remove, and an import with a row-by-row error report.
/// A handed-in snapshot (<c>?version=</c>) shows read-only. Plain forms; they work without JavaScript.
/// </summary>
public sealed class LedgerPages(Access access, PageAccess pageAccess, PageSupport support, PageRenderer renderer, LedgerService ledger, TimeProvider clock)
{
    private static readonly string[] RowFields = ["name", "sex", "birth", "isLeagueMember", "phone", "education", "occupation", "note", "guardianConsent", "consentRelation", "consentMethod", "consentOn"];

    public async Task<IActionResult> ListAsync(HttpRequest req, string villageId) =>
        await ListAsync(req, villageId, null, 200);

    private async Task<IActionResult> ListAsync(HttpRequest req, string villageId, ImportFailure? importFailure, int status)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Read);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var version = req.Query["version"].ToString();
        var snapshot = version.Length > 0;
        if (snapshot && !LedgerService.VersionFormat().IsMatch(version))
        {
            return await pageAccess.NotFoundAsync(who, "找不到该台账快照");
        }

        var rows = await ledger.ReadVersionAsync(year, villageId, snapshot ? version : null, who.MaySeePersonalData, req.HttpContext.RequestAborted);
        if (snapshot && rows.Count == 0)
        {
            return await pageAccess.NotFoundAsync(who, "找不到该台账快照");
        }

        var done = req.Query["saved"].Count > 0 ? "已保存。" : req.Query["deleted"].Count > 0 ? "已删除。" : req.Query["imported"].ToString() is { Length: > 0 } n ? $"已导入 {n} 人。" : null;
        var photos = who.MaySeePersonalData ? await ledger.ConsentPhotosAsync(villageId, req.HttpContext.RequestAborted) : null;
        return await renderer.PageAsync<LedgerPage, LedgerModel>(
            new(await support.ChromeAsync(req, who.Principal!), villageId, who.Village!.Name, year, snapshot, !snapshot && who.Principal!.IsSecretaryOf(villageId), !who.MaySeePersonalData, done, importFailure, LedgerFiles.Columns[..8], rows, who.MaySeePersonalData, ChinaTime.Today(clock.GetUtcNow()), photos),
            status);
    }

    public async Task<IActionResult> RowFormAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var rowId = req.Query["row"].ToString();
        if (rowId.Length == 0)
        {
            return await RowFormAsync(req, who, year, villageId, null, new Dictionary<string, string?> { ["row"] = NewRowId() }, [], 200);
        }

        var row = (await ledger.ReadAsync(year, villageId, showPhones: true, req.HttpContext.RequestAborted)).FirstOrDefault(r => r.Id == rowId);
        return row is null
            ? await pageAccess.NotFoundAsync(who, "这一行已不在台账中")
            : await RowFormAsync(req, who, year, villageId, row.Id, Values(row), [], 200);
    }

    public async Task<IActionResult> RowSubmitAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var values = RowFields.Append("row").ToDictionary(f => f, f => (string?)form[f].ToString());
        var rowId = values["row"];
        if (!Towns.Ids.IsValid(rowId) || rowId!.Length > 32)
        {
            return await RowFormAsync(req, who, year, villageId, null, values, ["表单已过期，请返回台账页重新打开"], 400);
        }

        var existing = req.Query["row"].Count > 0;
        LedgerChange change;
        if (form[PageSupport.IntentField] == "delete")
        {
            change = await ledger.DeleteRowAsync(year, villageId, rowId, req.HttpContext.RequestAborted);
            if (change.Status == 200)
            {
                return new RedirectResult($"/villages/{villageId}/ledger?year={year}&deleted=1");
            }
        }
        else
        {
            var birth = LedgerFiles.ParseBirth(Blank(values["birth"]) ?? form["birthYear"].ToString());
            var row = new LedgerRow(
                rowId, values["name"]?.Trim() ?? "", values["sex"] ?? "", birth?.Year ?? 0, Checked(values["isLeagueMember"]),
                Blank(values["phone"]), Blank(values["education"]), Blank(values["occupation"]), Blank(values["note"]), Checked(values["guardianConsent"]))
            {
                BirthMonth = birth?.Month,
                BirthDay = birth?.Day,
                ConsentRelation = Blank(values["consentRelation"]),
                ConsentMethod = Blank(values["consentMethod"]),
                ConsentOn = Blank(values["consentOn"]),
            };
            if (birth is null)
            {
                return await RowFormAsync(req, who, year, villageId, existing ? rowId : null, values, ["出生年月请写作 1998、1998-05 或 1998-05-12"], 422);
            }

            change = await ledger.SaveRowAsync(year, villageId, row, req.HttpContext.RequestAborted);
            if (change.Status == 200)
            {
                return new RedirectResult($"/villages/{villageId}/ledger?year={year}&saved=1");
            }
        }

        var messages = change.Errors is { Count: > 0 } errors ? errors.Select(e => e.Message).ToList() : [change.Title ?? "未能保存"];
        return await RowFormAsync(req, who, year, villageId, existing ? rowId : null, values, messages, change.Status);
    }

    public async Task<IActionResult> ImportAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        if (req.Query["confirm"].Count > 0)
        {
            return await ApplyImportAsync(req, who, villageId);
        }

        var year = support.YearOf(req);
        var upload = await LedgerUpload.ReadAsync(req);
        if (upload.Content is null)
        {
            return await ListAsync(req, villageId, new ImportFailure(upload.Title!, []), upload.Status);
        }

        await using var content = upload.Content;
        var result = await ledger.PreviewForPageAsync(year, villageId, content, upload.Kind, req.HttpContext.RequestAborted);
        if (result.Status is 413 or 400)
        {
            return await ListAsync(req, villageId, new ImportFailure(result.Title ?? "导入失败", result.Plan.Errors), result.Status);
        }

        return await renderer.PageAsync<LedgerImportPage, LedgerImportModel>(
            new(await support.ChromeAsync(req, who.Principal!), villageId, who.Village!.Name, year, result.Plan, result.PendingToken, result.Title), result.Status);
    }

    /// <summary>The preview confirmed (the same route with <c>?confirm=1</c>): applied all or nothing if the register did not change since (else 409, preview again).</summary>
    private async Task<IActionResult> ApplyImportAsync(HttpRequest req, AccessResult who, string villageId)
    {
        var year = support.YearOf(req);
        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var result = await ledger.ApplyPendingAsync(year, villageId, form["pending"].ToString(), req.HttpContext.RequestAborted);
        return result.Status == 200
            ? new RedirectResult($"/villages/{villageId}/ledger?year={year}&imported={result.Plan.Added.Count + result.Plan.Changed.Count}")
            : await ListAsync(req, villageId, new ImportFailure(result.Title ?? "导入失败", result.Plan.Errors), result.Status);
    }

    private async Task<ContentResult> RowFormAsync(HttpRequest req, AccessResult who, int year, string villageId, string? editing, IReadOnlyDictionary<string, string?> values, IReadOnlyList<string> errors, int status)
    {
        var hasPhoto = editing is not null && (await ledger.ConsentPhotosAsync(villageId, req.HttpContext.RequestAborted)).Contains(editing);
        var done = req.Query["photo"].Count > 0 && errors.Count == 0 ? "同意书照片已保存。" : null;
        return await renderer.PageAsync<LedgerRowPage, LedgerRowModel>(new(await support.ChromeAsync(req, who.Principal!), villageId, year, editing, values, errors, hasPhoto, done), status);
    }

    /// <summary>
    /// The consent evidence (a photo of the signed form) for one person: re-encoded and stored with them
    /// (<see cref="LedgerService.AttachConsentPhotoAsync"/>); a refusal shows the person's form again with the reason, nothing stored.
    /// </summary>
    public async Task<IActionResult> ConsentPhotoUploadAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.Submit);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var year = support.YearOf(req);
        var rowId = req.Query["row"].ToString();
        var row = Towns.Ids.IsValid(rowId)
            ? (await ledger.ReadAsync(year, villageId, showPhones: true, req.HttpContext.RequestAborted)).FirstOrDefault(r => r.Id == rowId)
            : null;
        if (row is null)
        {
            return await pageAccess.NotFoundAsync(who, "这一行已不在台账中");
        }

        var (form, unreadable) = await pageAccess.ReadFormAsync(req);
        if (form is null)
        {
            return unreadable!;
        }

        var file = form.Files.GetFile("photo") ?? (form.Files.Count > 0 ? form.Files[0] : null);
        LedgerChange change;
        if (file is null || file.Length == 0)
        {
            change = new LedgerChange(422, "请选择同意书照片");
        }
        else if (file.Length > LedgerService.ConsentPhotoMaxBytes)
        {
            change = new LedgerChange(413, $"照片过大：不超过 {SubmissionValidator.Size(LedgerService.ConsentPhotoMaxBytes)}");
        }
        else
        {
            await using var content = new MemoryStream();
            await file.CopyToAsync(content, req.HttpContext.RequestAborted);
            content.Position = 0;
            change = await ledger.AttachConsentPhotoAsync(year, villageId, rowId, content, req.HttpContext.RequestAborted);
        }

        return change.Status == 200
            ? new RedirectResult($"/villages/{villageId}/ledger/row?year={year}&row={rowId}&photo=1")
            : await RowFormAsync(req, who, year, villageId, rowId, Values(row), [change.Title ?? "未能保存照片"], change.Status);
    }

    /// <summary>The consent photo, only for those who may see personal data (the village's secretary and its town reviewers), through the app: the blob's address is never given out.</summary>
    public async Task<IActionResult> ConsentPhotoAsync(HttpRequest req, string villageId)
    {
        var who = await access.RequireVillageAsync(req, villageId, VillageAccess.PersonalData);
        if (!who.Allowed)
        {
            return await pageAccess.RefusalAsync(who);
        }

        var photo = await ledger.OpenConsentPhotoAsync(villageId, req.Query["row"].ToString(), req.HttpContext.RequestAborted);
        if (photo is null)
        {
            return await pageAccess.NotFoundAsync(who, "没有这张同意书照片");
        }

        req.HttpContext.Response.Headers.CacheControl = "private, no-store";
        req.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return new FileStreamResult(photo.Content, photo.ContentType);
    }

    private static Dictionary<string, string?> Values(LedgerRow r) => new()
    {
        ["row"] = r.Id,
        ["name"] = r.Name,
        ["sex"] = r.Sex,
        ["birth"] = LedgerRules.BirthText(r),
        ["isLeagueMember"] = r.IsLeagueMember ? "true" : "",
        ["phone"] = r.Phone,
        ["education"] = r.Education,
        ["occupation"] = r.Occupation,
        ["note"] = r.Note,
        ["guardianConsent"] = r.GuardianConsent ? "true" : "",
        ["consentRelation"] = r.ConsentRelation,
        ["consentMethod"] = r.ConsentMethod,
        ["consentOn"] = r.ConsentOn,
    };

    private static string NewRowId() => Guid.NewGuid().ToString("N")[..12];

    private static bool Checked(string? value) => value is "true" or "on";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
