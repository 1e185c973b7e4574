def round_list(r): pass
import_questionnaire = fill = results_page = results_export = answers_export = round_list
