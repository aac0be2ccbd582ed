"""What the study is: the paper's figures as tasks × named conditions (`figures`), where
their runs live on disk (`layout`), and the registered plan of runs (`plan`). The scales
are `lndp.config.Scale` records and the tasks `lndp.tasks.TaskSpec` records. Nothing here
computes: the pipeline trains and evaluates, the study reads."""
