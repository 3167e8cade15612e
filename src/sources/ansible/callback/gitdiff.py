# gitdiff's stdout callback for ansible-playbook --check --diff.
#
# gitdiff enables it for one run only (ANSIBLE_STDOUT_CALLBACK=gitdiff, with
# this folder first in ANSIBLE_CALLBACK_PLUGINS). It writes one JSON object per
# line ("events") describing plays, tasks and per-host results, to the file
# named by GITDIFF_ANSIBLE_EVENTS (then stdout only carries "PLAY [..]" and
# "TASK [..]" progress lines), or to stdout when that variable is unset, so a
# run can be saved with `ansible-playbook ... > results.jsonl` and read later
# with `gitdiff ansible --results results.jsonl`.
#
# Secrets: results of no_log tasks are reduced to their status (no msg, no
# diff, no items), and `invocation` (the module arguments) is never written:
# only the fields listed in _result_event leave this process.
# Licensed like gitdiff (Apache-2.0).
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = '''
    name: gitdiff
    type: stdout
    short_description: JSON lines for gitdiff's drift verdict
    description:
      - One JSON object per line per play, task and host result, for C(gitdiff ansible).
      - Results of no_log tasks keep only their status; module arguments are never written.
    requirements:
      - run by gitdiff, or set as the stdout callback with GITDIFF_ANSIBLE_EVENTS unset to print the events
'''

import json
import os
import sys

from ansible import constants as C
from ansible.plugins.callback import CallbackBase

try:
    from ansible.parsing.ajson import AnsibleJSONEncoder as _Encoder
except ImportError:  # pragma: no cover - layout of other ansible-core versions
    _Encoder = json.JSONEncoder

try:
    from ansible.playbook.handler import Handler as _Handler
except ImportError:  # pragma: no cover
    _Handler = ()

try:
    from ansible.release import __version__ as _ANSIBLE_VERSION
except ImportError:  # pragma: no cover
    _ANSIBLE_VERSION = None

FORMAT = 'gitdiff-ansible-events/1'
EVENTS_ENV = 'GITDIFF_ANSIBLE_EVENTS'
MSG_LIMIT = 2000
DIFF_KEYS = ('before', 'after', 'before_header', 'after_header', 'prepared')
INCLUDE_ACTIONS = frozenset(getattr(C, '_ACTION_ALL_INCLUDES', ()) or (
    'include', 'include_tasks', 'include_role',
    'ansible.builtin.include', 'ansible.builtin.include_tasks', 'ansible.builtin.include_role'))


class _Fallback(json.JSONEncoder):
    def default(self, o):  # values ansible's encoder does not know: show their text
        return str(o)


def _dumps(event):
    try:
        return json.dumps(event, cls=_Encoder, ensure_ascii=False, sort_keys=False)
    except (TypeError, ValueError):
        return json.dumps(event, cls=_Fallback, ensure_ascii=False, sort_keys=False)


def _text(value, limit=MSG_LIMIT):
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[:limit] + '...'


def _failure_message(res):
    """The one line that says why a result failed: msg, else the end of stderr."""
    for key in ('msg', 'reason'):
        if res.get(key):
            return _text(res[key])
    for key in ('stderr', 'module_stderr'):
        lines = [line for line in str(res.get(key) or '').splitlines() if line.strip()]
        if lines:
            return _text(lines[-1])
    return None


def _skip_reason(res):
    # `skip_reason` for a false condition, `skipped_reason` for an empty loop
    return _text(res.get('skip_reason') or res.get('skipped_reason'))


def _dest(res):
    """The file a module manages. A check-mode copy or template of a file that does
    not exist yet names it only in its arguments: take that one string from
    `invocation`, never anything else of it."""
    invocation = res.get('invocation')
    args = invocation.get('module_args') if isinstance(invocation, dict) else None
    args = args if isinstance(args, dict) else {}
    for value in (res.get('dest'), res.get('path'), args.get('dest'), args.get('path')):
        if isinstance(value, str) and value:
            return _text(value, 500)
    return None


def _diffs(res):
    """Both shapes ansible uses: one {before, after, ...} mapping, or a list of them."""
    raw = res.get('diff')
    if not raw:
        return []
    entries = raw if isinstance(raw, list) else [raw]
    return [dict((k, e[k]) for k in DIFF_KEYS if k in e) for e in entries if isinstance(e, dict)]


def _is_no_log(task, res):
    # clean_copy() already censors results of tasks whose no_log is true; these
    # checks cover per-item no_log (a templated no_log in a loop) as well.
    return bool(getattr(task, 'no_log', False) is True or res.get('_ansible_no_log') or 'censored' in res)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'gitdiff'

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display)
        path = os.environ.get(EVENTS_ENV)
        # Written afresh ('w'), never appended to: a file holds one run, so the final
        # stats of an earlier run can never vouch for one killed half-way.
        self._events = open(path, 'w', encoding='utf-8') if path else sys.stdout
        self._progress = bool(path)
        self._play = None
        self._emit({'event': 'start', 'format': FORMAT, 'ansible_version': _ANSIBLE_VERSION})

    def _emit(self, event):
        self._events.write(_dumps(event) + '\n')
        self._events.flush()

    def _say(self, line):
        if self._progress:
            self._display.display(line, screen_only=True)

    def v2_playbook_on_start(self, playbook):
        self._emit({'event': 'playbook', 'file': getattr(playbook, '_file_name', None)})

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name().strip()
        self._emit({'event': 'play', 'play': self._play, 'check_mode': getattr(play, 'check_mode', None)})
        self._say('PLAY [%s]' % self._play)

    def _task_start(self, task, handler):
        self._emit({'event': 'task', 'play': self._play, 'task': task.get_name().strip(),
                    'path': task.get_path(), 'action': task.action, 'handler': handler})
        self._say('%s [%s]' % ('RUNNING HANDLER' if handler else 'TASK', task.get_name().strip()))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start(task, False)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_start(task, True)

    def v2_playbook_on_no_hosts_matched(self):
        self._emit({'event': 'no_hosts', 'play': self._play})

    def _result_event(self, status, result, ignore_errors=False):
        # ansible turns an exception in a callback into a warning and goes on: a
        # lost result must not look like a task that did nothing, so say so.
        try:
            self._record(status, result, ignore_errors)
        except Exception as error:  # pylint: disable=broad-except
            # The exception's type only: its message could quote a value of the result.
            self._emit({'event': 'callback_error', 'host': result._host.get_name(),
                        'task': result._task.get_name().strip(), 'msg': type(error).__name__})

    def _record(self, status, result, ignore_errors):
        task = result._task
        res = result._result
        if task.action in INCLUDE_ACTIONS:
            return
        no_log = _is_no_log(task, res)
        event = {
            'event': 'result', 'status': status, 'host': result._host.get_name(),
            'play': self._play, 'task': task.get_name().strip(), 'path': task.get_path(),
            'action': task.action, 'check_mode': getattr(task, 'check_mode', None),
            'changed': bool(res.get('changed', False)), 'no_log': no_log,
        }
        if _Handler and isinstance(task, _Handler):
            event['handler'] = True
        if ignore_errors:
            event['ignore_errors'] = True
        if no_log:
            # Status only: not msg, not diff, not items. Their values may be the secret.
            self._emit(event)
            return
        if status in ('failed', 'unreachable'):
            event['msg'] = _failure_message(res)
        elif res.get('msg'):
            event['msg'] = _text(res['msg'])
        if _skip_reason(res):
            event['skip_reason'] = _skip_reason(res)
        dest = _dest(res)
        if dest:
            event['dest'] = dest
        if getattr(task, 'diff', True) is False:
            event['diff_hidden'] = True  # `diff: false` on the task: the author hid its content
        else:
            event['diff'] = _diffs(res)
        items = res.get('results')
        if isinstance(items, list):
            event['items'] = [self._item(task, item) for item in items if isinstance(item, dict)]
        self._emit(event)

    def _item(self, task, res):
        item = {
            'changed': bool(res.get('changed', False)), 'failed': bool(res.get('failed', False)),
            'skipped': bool(res.get('skipped', False)), 'unreachable': bool(res.get('unreachable', False)),
        }
        if _is_no_log(task, res):
            item['no_log'] = True
            return item
        label = res.get('_ansible_item_label', res.get('item'))
        item['label'] = _text(label if isinstance(label, str) else _dumps(label), 200)
        msg = _failure_message(res) if item['failed'] else res.get('msg')
        if msg:
            item['msg'] = _text(msg)
        if _skip_reason(res):
            item['skip_reason'] = _skip_reason(res)
        dest = _dest(res)
        if dest:
            item['dest'] = dest
        if getattr(task, 'diff', True) is not False:
            item['diff'] = _diffs(res)
        return item

    def v2_runner_on_ok(self, result):
        self._result_event('changed' if result._result.get('changed', False) else 'ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result_event('failed', result, ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._result_event('unreachable', result)

    def v2_runner_on_skipped(self, result):
        self._result_event('skipped', result)

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for host in sorted(stats.processed.keys()):
            hosts[host] = stats.summarize(host)
        self._emit({'event': 'stats', 'hosts': hosts})
        if self._events is not sys.stdout:
            self._events.close()
