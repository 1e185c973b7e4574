"""The rates on hand-built responses, against numbers worked out by hand."""

from surveys import rates, results
from surveys.models import Response
from tests.surveys.conftest import respond


def three_responses(survey, actor, cell):
    # R1: aware, supports, improvements a+b (positive), satisfied (positive).
    respond(survey, actor, cell, q1="a", q2="a", q3=("a", "b"), q4="a")
    # R2: unaware, against, a + "none" (not positive: one chosen option is not positive), Q4 skipped.
    respond(survey, actor, cell, q1="b", q2="c", q3=("a", "c"))
    # R3: aware, indifferent, b (positive), dissatisfied, a comment (no measure).
    respond(survey, actor, cell, q1="a", q2="b", q3=("b",), q4="c", q5="楼道灯坏了")


def test_rates_match_the_hand_worked_numbers(geo, survey, community_worker):
    three_responses(survey, community_worker, geo.cell)
    measures = rates.by_measure(Response.objects.all())
    # awareness: 3 answers, 2 positive; support: 3 answers, 1 positive;
    # satisfaction: Q3 ×3 + Q4 ×2 = 5 answers, positive R1-Q3, R1-Q4, R3-Q3 = 3.
    assert measures["awareness"].as_dict() == {"rate": 0.6667, "answers": 3, "positive": 2}
    assert measures["support"].as_dict() == {"rate": 0.3333, "answers": 3, "positive": 1}
    assert measures["satisfaction"].as_dict() == {"rate": 0.6, "answers": 5, "positive": 3}


def test_the_lowest_questions_are_those_with_the_lowest_positive_share(geo, survey, community_worker):
    three_responses(survey, community_worker, geo.cell)
    built = results.build(community_worker, survey.round)
    # Q2 1/3, Q4 1/2, Q3 2/3, Q1 2/3 (Q1 first on equal share by order).
    assert [(q.order, t.positive, t.answers) for q, t in built["lowest"]] == [
        (2, 1, 3),
        (4, 1, 2),
        (1, 2, 3),
        (3, 2, 3),
    ]


def test_coverage_is_responses_against_the_target(geo, survey, community_worker):
    three_responses(survey, community_worker, geo.cell)
    built = results.build(community_worker, survey.round)
    (row,) = built["communities"]
    assert (row.responses, row.target, row.coverage) == (3, 10, 0.3)


def test_a_changed_option_changes_the_rate_of_answers_already_given(geo, survey, community_worker):
    three_responses(survey, community_worker, geo.cell)
    survey.q2.options.filter(key="b").update(positive=True)
    assert rates.by_measure(Response.objects.all())["support"].positive == 2
