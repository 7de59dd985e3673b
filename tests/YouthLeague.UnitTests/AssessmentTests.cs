using static YouthLeague.UnitTests.TestSupport;

namespace YouthLeague.UnitTests;

public class AssessmentTests
{
    private static readonly ChecklistCalendar Real2026 = ChecklistCalendar.Real(2026);

    /// <summary>Due dates of the real 2026 definition, e.g. forum 2026-06-30.</summary>
    private static ChecklistDefinition Definition => Definition2026;

    private static DateTimeOffset DueInstant(string step) =>
        ChinaTime.StartOf(Definition.Find(step)!.Due).AddHours(12); // noon China time on the due date

    /// <summary>Submit (with <paramref name="returns"/> returns and resubmissions) then approve one step.</summary>
    private static ChecklistState Approved(ChecklistState state, string step, DateTimeOffset firstAt, int returns = 0, bool exemplary = false)
    {
        state = ApplyAll(state, Submit($"{step}-s0", step, firstAt));
        for (var i = 1; i <= returns; i++)
        {
            state = ApplyAll(state, Return($"{step}-r{i}", step, firstAt.AddDays(i)), Submit($"{step}-s{i}", step, firstAt.AddDays(i)));
        }

        return ApplyAll(state, Approve($"{step}-ok", step, firstAt.AddDays(returns + 1), exemplary));
    }

    private static ChecklistState AllApproved(bool exemplary = false, int returns = 0)
    {
        var state = NewState();
        foreach (var key in StepKeys)
        {
            state = Approved(state, key, DueInstant(key).AddDays(-10), returns, exemplary);
        }

        return state;
    }

    private static StepScore ScoreOf(AssessmentResult result, string step) => result.Steps.Single(s => s.Step == step);

    [Fact]
    public void Score_NothingDone_IsZeroWithAStepScorePerDefinitionStep()
    {
        var result = Assessment.Score(NewState(), Definition, Real2026);

        Assert.Equal(0, result.Score);
        Assert.Equal(2026, result.Year);
        Assert.Equal("v1", result.VillageId);
        Assert.Equal(Definition.Steps.Select(s => s.Key), result.Steps.Select(s => s.Step));
        Assert.All(result.Steps, s =>
        {
            Assert.Equal(0, s.Points);
            Assert.False(s.OnTime);
            Assert.Equal(StepStatus.NotStarted, s.Status);
        });
    }

    [Fact]
    public void Score_AllSixApprovedOnTime_Is96()
    {
        var result = Assessment.Score(AllApproved(), Definition, Real2026);

        // 6 × (12 approved + 4 on time)
        Assert.Equal(96, result.Score);
        Assert.All(result.Steps, s =>
        {
            Assert.Equal(16, s.Points);
            Assert.True(s.OnTime);
        });
    }

    [Fact]
    public void Score_AllSixPerfectAndExemplary_IsCappedAt100()
    {
        var result = Assessment.Score(AllApproved(exemplary: true), Definition, Real2026);

        // 6 × 17 = 102, capped
        Assert.Equal(100, result.Score);
        Assert.All(result.Steps, s => Assert.Equal(17, s.Points));
    }

    [Fact]
    public void Score_AllSixExemplaryWithOneReturnEach_Is96()
    {
        var result = Assessment.Score(AllApproved(exemplary: true, returns: 1), Definition, Real2026);

        // 6 × (12 + 4 - 1 + 1) = 96: the cap does not apply.
        Assert.Equal(96, result.Score);
    }

    [Fact]
    public void Score_OneStepApprovedOnTime_Is16()
    {
        var state = Approved(NewState(), "forum", DueInstant("forum"));

        var result = Assessment.Score(state, Definition, Real2026);

        Assert.Equal(16, result.Score);
        var forum = ScoreOf(result, "forum");
        Assert.Equal(16, forum.Points);
        Assert.True(forum.OnTime);
        Assert.Equal(StepStatus.Approved, forum.Status);
    }

    [Fact]
    public void Score_FirstSubmittedDayAfterDue_NoOnTimeBonus()
    {
        var state = Approved(NewState(), "forum", DueInstant("forum").AddDays(1));

        var result = Assessment.Score(state, Definition, Real2026);

        Assert.Equal(12, result.Score);
        Assert.False(ScoreOf(result, "forum").OnTime);
    }

    [Theory]
    [InlineData("2026-06-30T15:59:59Z", true)]       // 23:59:59 on the due date in China
    [InlineData("2026-06-30T16:00:00Z", false)]      // 00:00 on 1 July in China
    [InlineData("2026-06-29T20:00:00-06:00", true)]  // 10:00 on 30 June in China
    [InlineData("2026-06-30T20:00:00-06:00", false)] // 10:00 on 1 July in China, still 30 June locally
    [InlineData("2026-06-30T23:59:00+08:00", true)]
    public void Score_FirstSubmittedAroundDueMidnight_OnTimeJudgedInChinaTime(string firstAt, bool onTime)
    {
        var state = Approved(NewState(), "forum", DateTimeOffset.Parse(firstAt, System.Globalization.CultureInfo.InvariantCulture));

        var result = Assessment.Score(state, Definition, Real2026);

        var forum = ScoreOf(result, "forum");
        Assert.Equal(onTime, forum.OnTime);
        Assert.Equal(onTime ? 16 : 12, forum.Points);
        Assert.Equal(onTime ? 16 : 12, result.Score);
    }

    [Fact]
    public void Score_ReturnedThenApprovedAfterDue_OnTimeByFirstSubmission()
    {
        // First handed in on time, returned twice, approved weeks after the due date: on time, minus 2.
        var state = ApplyAll(
            NewState(),
            Submit("s1", "forum", DueInstant("forum").AddDays(-1)),
            Return("r1", "forum", DueInstant("forum").AddDays(5)),
            Submit("s2", "forum", DueInstant("forum").AddDays(10)),
            Return("r2", "forum", DueInstant("forum").AddDays(11)),
            Submit("s3", "forum", DueInstant("forum").AddDays(20)),
            Approve("ok", "forum", DueInstant("forum").AddDays(30)));

        var forum = ScoreOf(Assessment.Score(state, Definition, Real2026), "forum");

        Assert.True(forum.OnTime);
        Assert.Equal(2, forum.ReturnedRounds);
        Assert.Equal(12 + 4 - 2, forum.Points);
    }

    [Theory]
    [InlineData(0, 16)]
    [InlineData(1, 15)]
    [InlineData(2, 14)]
    [InlineData(3, 13)]
    [InlineData(4, 13)]
    [InlineData(7, 13)]
    public void Score_ReturnedRounds_OnePointEachCappedAtThree(int returns, int points)
    {
        var state = Approved(NewState(), "ledger", DueInstant("ledger").AddDays(-30), returns);

        var ledger = ScoreOf(Assessment.Score(state, Definition, Real2026), "ledger");

        Assert.Equal(returns, ledger.ReturnedRounds);
        Assert.Equal(points, ledger.Points);
    }

    [Fact]
    public void Score_LateWithFiveReturnsAndExemplary_Is10()
    {
        // 12 approved, no on-time bonus, −3 (capped), +1 exemplary
        var state = Approved(NewState(), "plan", DueInstant("plan").AddDays(2), returns: 5, exemplary: true);

        var plan = ScoreOf(Assessment.Score(state, Definition, Real2026), "plan");

        Assert.Equal(10, plan.Points);
        Assert.False(plan.OnTime);
        Assert.True(plan.Exemplary);
    }

    [Fact]
    public void Score_SubmittedOrReturnedSteps_ScoreZero()
    {
        var state = ApplyAll(
            NewState(),
            Submit("s1", "forum", DueInstant("forum").AddDays(-5)),
            Submit("s2", "plan", DueInstant("plan").AddDays(-5)),
            Return("r2", "plan"));

        var result = Assessment.Score(state, Definition, Real2026);

        Assert.Equal(0, result.Score);
        var forum = ScoreOf(result, "forum");
        Assert.Equal(StepStatus.Submitted, forum.Status);
        Assert.False(forum.OnTime);
        var plan = ScoreOf(result, "plan");
        Assert.Equal(StepStatus.Returned, plan.Status);
        Assert.Equal(1, plan.ReturnedRounds);
        Assert.Equal(0, plan.Points);
    }

    [Fact]
    public void Score_NonApprovedStepWithExemplaryFlag_StillZero()
    {
        // Defensive: points come only with approval, whatever else the step says.
        var state = StateWith("forum", new StepState { Status = StepStatus.Submitted, Exemplary = true, FirstSubmittedAt = DueInstant("forum").AddDays(-3) });

        Assert.Equal(0, Assessment.Score(state, Definition, Real2026).Score);
    }

    [Fact]
    public void Score_ApprovedWithoutFirstSubmittedAt_NoOnTimeBonus()
    {
        var state = StateWith("forum", new StepState { Status = StepStatus.Approved, ApprovedAt = T0 });

        var forum = ScoreOf(Assessment.Score(state, Definition, Real2026), "forum");

        Assert.False(forum.OnTime);
        Assert.Equal(12, forum.Points);
    }

    [Fact]
    public void Score_MixedYear_WorkedExample()
    {
        // ledger: on time, exemplary                      12 + 4 + 1 = 17
        // forum: on time, returned once                   12 + 4 − 1 = 15
        // volunteering: late, returned 4 times            12 − 3     =  9
        // league-day: late                                12         = 12
        // practical-matter: submitted, not yet approved               0
        // plan: not started                                           0
        var state = NewState();
        state = Approved(state, "ledger", DueInstant("ledger").AddDays(-40), exemplary: true);
        state = Approved(state, "forum", DueInstant("forum").AddDays(-1), returns: 1);
        state = Approved(state, "volunteering", DueInstant("volunteering").AddDays(3), returns: 4);
        state = Approved(state, "league-day", DueInstant("league-day").AddDays(1));
        state = ApplyAll(state, Submit("pm", "practical-matter", DueInstant("practical-matter")));

        var result = Assessment.Score(state, Definition, Real2026);

        Assert.Equal([17, 15, 9, 12, 0, 0], result.Steps.Select(s => s.Points));
        Assert.Equal(53, result.Score);
    }

    [Fact]
    public void Score_StepMissingFromState_CountsAsNotStarted()
    {
        var state = ChecklistState.New(2026, "v1", ["forum"]);
        state = ApplyAll(state, Submit("s1", "forum", DueInstant("forum")), Approve("r1", "forum"));

        var result = Assessment.Score(state, Definition, Real2026);

        Assert.Equal(6, result.Steps.Count);
        Assert.Equal(16, result.Score);
        Assert.Equal(StepStatus.NotStarted, ScoreOf(result, "plan").Status);
    }

    [Fact]
    public void Score_StepNotInDefinition_IsIgnored()
    {
        var state = ChecklistState.New(2026, "v1", [.. StepKeys, "extra"]);
        state = ApplyAll(state, Submit("s1", "extra", T0), Approve("r1", "extra"));

        var result = Assessment.Score(state, Definition, Real2026);

        Assert.Equal(0, result.Score);
        Assert.DoesNotContain(result.Steps, s => s.Step == "extra");
    }

    [Fact]
    public void Score_CompressedCalendar_OnTimeJudgedByCompressedDate()
    {
        // Forum is due 2026-06-30, the last day of Q2: the end of the second compressed quarter.
        var origin = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var quarter = TimeSpan.FromHours(10);
        var calendar = ChecklistCalendar.Compressed(2026, origin, quarter);
        var onTime = Approved(NewState(), "forum", origin + (2 * quarter) - TimeSpan.FromMinutes(1));
        var late = Approved(NewState(), "forum", origin + (2 * quarter) + TimeSpan.FromMinutes(10));

        Assert.Equal(16, Assessment.Score(onTime, Definition, calendar).Score);
        Assert.Equal(12, Assessment.Score(late, Definition, calendar).Score);

        // The same instants on the real calendar are years after the due date.
        Assert.Equal(12, Assessment.Score(onTime, Definition, Real2026).Score);
    }

    [Fact]
    public void DefaultRubric_DefinitionWithoutOne_ReproducesTheDocumentedValues()
    {
        Assert.Null(Definition.Rubric);
        Assert.Equal(new AssessmentRubric(Approved: 12, OnTime: 4, ReturnPenalty: 1, MaxReturnPenalty: 3, Exemplary: 1, Maximum: 100), Definition.Scoring);
    }

    /// <summary>A year with a seventh step and its own rubric, read from JSON as the city would publish it.</summary>
    private static ChecklistDefinition SevenSteps()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(SeedPath))!.AsObject();
        var steps = json["steps"]!.AsArray();
        var camp = steps.Single(s => (string?)s!["key"] == "league-day")!.DeepClone();
        camp["key"] = "summer-camp";
        camp["title"] = "组织一次暑期青少年活动";
        camp["due"] = "2026-08-31";
        steps.Add(camp);
        json["rubric"] = System.Text.Json.Nodes.JsonNode.Parse("""
            { "approved": 10, "onTime": 3, "returnPenalty": 2, "maxReturnPenalty": 4, "exemplary": 2, "maximum": 95,
              "steps": { "summer-camp": { "approved": 6, "onTime": 1 }, "plan": { "onTime": 0 } } }
            """);
        return ChecklistDefinitionLoader.Parse(json.ToJsonString(), "seven.json");
    }

    [Fact]
    public void Score_SevenStepsWithTheirOwnRubric_ScoredByThatRubric()
    {
        var definition = SevenSteps();
        var state = ChecklistState.New(2026, "v1", definition.Steps.Select(s => s.Key));
        DateTimeOffset Before(string step) => ChinaTime.StartOf(definition.Find(step)!.Due).AddDays(-10);
        DateTimeOffset After(string step) => ChinaTime.StartOf(definition.Find(step)!.Due).AddDays(2);
        state = Approved(state, "ledger", Before("ledger"));                       // 10 + 3
        state = Approved(state, "forum", Before("forum"), returns: 1);            // 10 + 3 − 2
        state = Approved(state, "volunteering", Before("volunteering"), returns: 3); // 10 + 3 − min(6, 4)
        state = Approved(state, "league-day", After("league-day"), exemplary: true); // 10 (late) + 2
        state = Approved(state, "summer-camp", Before("summer-camp"), exemplary: true); // 6 + 1 + 2
        state = Approved(state, "plan", Before("plan"));                           // 10 + 0 (its own on-time bonus)
        state = ApplyAll(state, Submit("pm-s0", "practical-matter", Before("practical-matter"))); // not approved: 0

        var result = Assessment.Score(state, definition, Real2026);

        Assert.Equal(7, result.Steps.Count);
        Assert.Equal(
            [("ledger", 13), ("forum", 11), ("volunteering", 9), ("league-day", 12), ("practical-matter", 0), ("plan", 10), ("summer-camp", 9)],
            result.Steps.Select(s => (s.Step, s.Points)));
        Assert.Equal(64, result.Score);
        Assert.False(ScoreOf(result, "league-day").OnTime);
    }

    [Fact]
    public void Score_SevenStepsAllPerfect_CappedAtTheRubricsMaximum()
    {
        var definition = SevenSteps();
        var state = ChecklistState.New(2026, "v1", definition.Steps.Select(s => s.Key));
        foreach (var step in definition.Steps)
        {
            state = Approved(state, step.Key, ChinaTime.StartOf(step.Due).AddDays(-10), exemplary: true);
        }

        // 5 × (10 + 3 + 2) + plan (10 + 0 + 2) + camp (6 + 1 + 2) = 96, above the maximum of 95.
        Assert.Equal(95, Assessment.Score(state, definition, Real2026).Score);
    }
}
