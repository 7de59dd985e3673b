namespace YouthLeague.Setup;

/// <summary>
/// Whether the host may say it is healthy. The local host clears it while it seeds the demo data, so that
/// /api/health (and ./run's ready line) wait until checklists can be served; on Azure it is always set.
/// </summary>
public sealed class Readiness
{
    private volatile bool ready = true;

    public bool Ready => ready;

    public void Starting() => ready = false;

    public void Done() => ready = true;
}
