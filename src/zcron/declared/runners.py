"""Plain callables as job runners: the declared job's function is called
with the cron's environ as keyword arguments, and ``context`` (the runner:
``site``, ``cron``, ``fire_time``, ``window``, ``execution_id``) when its
signature takes one. It returns what a runner's ``run`` returns."""
import inspect

from zcron.runners import Runner


def takes_context(func):
    try:
        parameters = inspect.signature(func).parameters
    except (TypeError, ValueError):       # a builtin without a signature
        return False
    return "context" in parameters


def callable_runner(func):
    """An IJobRunner factory, adapting (site, cron), that calls ``func``."""
    with_context = takes_context(func)

    class CallableRunner(Runner):
        __doc__ = f"Calls {getattr(func, '__qualname__', func)!r}."
        function = staticmethod(func)

        def run(self):
            if with_context:
                return func(context=self, **self.environ)
            return func(**self.environ)

    CallableRunner.__name__ = f"CallableRunner[{getattr(func, '__name__', 'callable')}]"
    return CallableRunner
