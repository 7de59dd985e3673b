using System.Reflection;

namespace YouthLeague.LocalHost;

/// <summary>Creates a function's class in a DI scope, calls its method and awaits whatever it returns.</summary>
public static class FunctionInvoker
{
    public static async Task<object?> InvokeAsync(IServiceProvider services, LocalFunction function, object?[] arguments)
    {
        var target = function.Method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, function.Class);
        object? returned;
        try
        {
            returned = function.Method.Invoke(target, arguments);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }

        try
        {
            return await UnwrapAsync(returned);
        }
        finally
        {
            (target as IDisposable)?.Dispose();
        }
    }

    /// <summary>The result type a function produces once awaited (void for Task, T for Task&lt;T&gt;).</summary>
    public static Type ResultType(MethodInfo method)
    {
        var t = method.ReturnType;
        if (t == typeof(Task) || t == typeof(ValueTask))
        {
            return typeof(void);
        }

        if (t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(Task<>) || t.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return t.GetGenericArguments()[0];
        }

        return t;
    }

    private static async Task<object?> UnwrapAsync(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult"
                    ? result.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                if (returned?.GetType() is { IsGenericType: true } vt && vt.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)vt.GetMethod(nameof(ValueTask<object>.AsTask))!.Invoke(returned, null)!;
                    return await UnwrapAsync(asTask);
                }

                return returned;
        }
    }
}
