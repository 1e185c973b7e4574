"""Running jobs at the same moment, each in its own thread with its own database connection."""

import threading

from django.db import connection


def run_together(*jobs) -> list:
    """Run each job in its own thread, all released at once; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait(timeout=20)
            results[index] = job()
        except Exception as exc:  # the test inspects what each thread met
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results
