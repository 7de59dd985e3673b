using System.Text.Json;
using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class ChecklistStateTests
{
    [Fact]
    public void New_SixStepKeys_AllStepsNotStartedAndNothingSeen()
    {
        var state = ChecklistState.New(2026, "village-1", StepKeys);

        Assert.Equal(2026, state.Year);
        Assert.Equal("village-1", state.VillageId);
        Assert.Equal(StepKeys.OrderBy(k => k, StringComparer.Ordinal), state.Steps.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.All(state.Steps.Values, s =>
        {
            Assert.Equal(StepStatus.NotStarted, s.Status);
            Assert.Empty(s.Submissions);
            Assert.Equal(0, s.ReturnedRounds);
            Assert.Null(s.FirstSubmittedAt);
            Assert.Null(s.ApprovedAt);
            Assert.False(s.Exemplary);
            Assert.Null(s.LastReviewId);
        });
        Assert.Empty(state.SeenCommandIds);
    }

    [Fact]
    public void Status_FreshChecklist_IsNotStarted()
    {
        Assert.Equal(ChecklistStatus.NotStarted, NewState().Status);
    }

    [Fact]
    public void Status_OnlyRejectedCommands_StaysNotStarted()
    {
        var state = ChecklistRules.Apply(NewState(), Approve("r1")).State;

        Assert.Equal(ChecklistStatus.NotStarted, state.Status);
    }

    [Fact]
    public void Status_OneStepSubmitted_IsInProgress()
    {
        var state = ApplyAll(NewState(), Submit("s1"));

        Assert.Equal(ChecklistStatus.InProgress, state.Status);
    }

    [Fact]
    public void Status_OneStepReturned_IsInProgress()
    {
        var state = ApplyAll(NewState(), Submit("s1"), Return("r1"));

        Assert.Equal(ChecklistStatus.InProgress, state.Status);
    }

    [Fact]
    public void Status_FiveApprovedOneSubmitted_IsInProgress()
    {
        var state = NewState();
        foreach (var key in StepKeys)
        {
            state = ApplyAll(state, Submit("s-" + key, key));
            if (key != "plan")
            {
                state = ApplyAll(state, Approve("r-" + key, key));
            }
        }

        Assert.Equal(ChecklistStatus.InProgress, state.Status);
    }

    [Fact]
    public void Status_AllSixApproved_IsCompleted()
    {
        var state = NewState();
        foreach (var key in StepKeys)
        {
            state = ApplyAll(state, Submit("s-" + key, key), Approve("r-" + key, key));
        }

        Assert.Equal(ChecklistStatus.Completed, state.Status);
    }

    [Theory]
    [InlineData(ChecklistStatus.NotStarted, "notStarted")]
    [InlineData(ChecklistStatus.InProgress, "inProgress")]
    [InlineData(ChecklistStatus.Completed, "completed")]
    public void ToWire_ChecklistStatus_IsCamelCaseName(ChecklistStatus status, string wire)
    {
        Assert.Equal(wire, status.ToWire());
    }

    [Fact]
    public void ToWire_UnknownChecklistStatus_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ChecklistStatus)9).ToWire());
    }

    [Fact]
    public void Serialize_StateRoundTrip_KeepsEveryStepField()
    {
        // The state travels in the orchestration's input and output as JSON.
        var approvedAt = new DateTimeOffset(2026, 5, 2, 9, 30, 0, TimeSpan.Zero);
        var state = ApplyAll(
            NewState(),
            Submit("s1", at: T0),
            Return("r1"),
            Submit("s2", at: T0.AddDays(2)),
            Approve("r2", at: approvedAt, exemplary: true));
        state = ChecklistRules.Apply(state, Approve("bad", step: "nope")).State;

        var json = JsonSerializer.Serialize(state, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<ChecklistState>(json, JsonSerializerOptions.Web)!;

        Assert.Contains("\"approved\"", json, StringComparison.Ordinal);
        Assert.Equal(state.Year, back.Year);
        Assert.Equal(state.VillageId, back.VillageId);
        Assert.Equal(state.SeenCommandIds, back.SeenCommandIds);
        Assert.Equal(state.Status, back.Status);
        var a = state.Steps["forum"];
        var b = back.Steps["forum"];
        Assert.Equal(StepStatus.Approved, b.Status);
        Assert.Equal(a.Submissions, b.Submissions);
        Assert.Equal(1, b.ReturnedRounds);
        Assert.Equal(T0, b.FirstSubmittedAt);
        Assert.Equal(approvedAt, b.ApprovedAt);
        Assert.True(b.Exemplary);
        Assert.Equal("r2", b.LastReviewId);
        Assert.Equal(StepStatus.NotStarted, back.Steps["plan"].Status);
    }
}

public class StepStatusTests
{
    [Theory]
    [InlineData(StepStatus.NotStarted, "notStarted", "未开始")]
    [InlineData(StepStatus.Submitted, "submitted", "待审核")]
    [InlineData(StepStatus.Returned, "returned", "已退回")]
    [InlineData(StepStatus.Approved, "approved", "已通过")]
    public void ToWire_EveryStatus_RoundTripsThroughParseAndJson(StepStatus status, string wire, string chinese)
    {
        Assert.Equal(wire, status.ToWire());
        Assert.Equal(status, StepStatusNames.Parse(wire));
        Assert.Equal(chinese, status.ToChinese());
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(status));
        Assert.Equal(status, JsonSerializer.Deserialize<StepStatus>($"\"{wire}\""));
    }

    [Theory]
    [InlineData("Submitted")]
    [InlineData("not_started")]
    [InlineData("")]
    public void Parse_UnknownWireName_Throws(string wire)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StepStatusNames.Parse(wire));
        Assert.Equal(wire, ex.ActualValue);
    }

    [Fact]
    public void ToWire_UnknownStatus_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((StepStatus)17).ToWire());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((StepStatus)17).ToChinese());
    }

    [Theory]
    [InlineData(CommandKind.Submit, "submit")]
    [InlineData(CommandKind.Approve, "approve")]
    [InlineData(CommandKind.Return, "return")]
    public void Serialize_CommandKind_UsesLowerCaseWireName(CommandKind kind, string wire)
    {
        Assert.Equal($"\"{wire}\"", JsonSerializer.Serialize(kind));
        Assert.Equal(kind, JsonSerializer.Deserialize<CommandKind>($"\"{wire}\""));
    }

    [Fact]
    public void Deserialize_Command_ReadsWireJson()
    {
        var json = """{"id":"s1","kind":"approve","step":"forum","actor":"town.t1","at":"2026-05-01T08:00:00+08:00","exemplary":true}""";

        var command = JsonSerializer.Deserialize<ChecklistCommand>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(new ChecklistCommand("s1", CommandKind.Approve, "forum", "town.t1", new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), true), command);
    }
}
