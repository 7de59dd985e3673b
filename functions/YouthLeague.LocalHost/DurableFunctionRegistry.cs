using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;

namespace YouthLeague.LocalHost;

/// <summary>Registers orchestration- and activity-triggered functions with the Durable Task worker, by name.</summary>
public static class DurableFunctionRegistry
{
    public static void Register(DurableTaskRegistry registry, IEnumerable<LocalFunction> functions)
    {
        foreach (var function in functions)
        {
            switch (function.TriggerType)
            {
                case FunctionCatalog.OrchestrationTrigger:
                    var orchestrator = new FunctionOrchestrator(function);
                    registry.AddOrchestrator(new TaskName(function.Name), () => orchestrator);
                    break;
                case FunctionCatalog.ActivityTrigger:
                    var inputType = ActivityInputType(function);
                    registry.AddActivity(new TaskName(function.Name), sp => new FunctionActivity(function, inputType, sp));
                    break;
            }
        }
    }

    private static Type ActivityInputType(LocalFunction function)
    {
        var trigger = function.Metadata.Trigger;
        var parameters = function.Method.GetParameters();
        var input = parameters.SingleOrDefault(p => p.Name == trigger.Name)
            ?? throw new UnsupportedFunctionException($"Function '{function.Name}': no parameter named '{trigger.Name}' for its activity trigger.");
        foreach (var p in parameters.Where(p => p != input && p.ParameterType != typeof(CancellationToken) && p.ParameterType != typeof(Microsoft.DurableTask.Client.DurableTaskClient)))
        {
            throw new UnsupportedFunctionException($"Function '{function.Name}': parameter '{p.Name}' ({p.ParameterType.Name}) cannot be bound by the local host; inject services through the constructor.");
        }

        return input.ParameterType;
    }

    private sealed class FunctionOrchestrator : ITaskOrchestrator
    {
        private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

        private readonly LocalFunction function;

        public FunctionOrchestrator(LocalFunction function)
        {
            var parameters = function.Method.GetParameters();
            if (parameters.Length != 1 || parameters[0].ParameterType != typeof(TaskOrchestrationContext))
            {
                throw new UnsupportedFunctionException($"Function '{function.Name}': an orchestrator takes exactly one TaskOrchestrationContext parameter on the local host.");
            }

            if (!function.Method.IsStatic && function.Class.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new UnsupportedFunctionException($"Function '{function.Name}': make the orchestrator static (orchestrators must not depend on services).");
            }

            this.function = function;
        }

        public Type InputType => typeof(object);

        public Type OutputType => FunctionInvoker.ResultType(function.Method) is var t && t == typeof(void) ? typeof(object) : t;

        public Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
        {
            var target = function.Method.IsStatic ? null : Activator.CreateInstance(function.Class);
            return Unwrap(function.Method.Invoke(target, [new FunctionOrchestrationContext(context, input, Json)]));
        }

        private static async Task<object?> Unwrap(object? returned)
        {
            if (returned is not Task task)
            {
                return returned;
            }

            await task;
            var type = task.GetType();
            return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult" ? result.GetValue(task) : null;
        }
    }

    private sealed class FunctionActivity(LocalFunction function, Type inputType, IServiceProvider services) : ITaskActivity
    {
        public Type InputType => inputType;

        public Type OutputType => FunctionInvoker.ResultType(function.Method) is var t && t == typeof(void) ? typeof(object) : t;

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            await using var scope = services.CreateAsyncScope();
            // An activity may take a [DurableClient] (e.g. to start other orchestrations), as on Azure Functions.
            var args = function.Method.GetParameters()
                .Select(p => p.ParameterType == typeof(CancellationToken) ? (object?)CancellationToken.None
                    : p.ParameterType == typeof(Microsoft.DurableTask.Client.DurableTaskClient) ? scope.ServiceProvider.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()
                    : input)
                .ToArray();
            return await FunctionInvoker.InvokeAsync(scope.ServiceProvider, function, args);
        }
    }
}
