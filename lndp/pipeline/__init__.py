"""The only place that computes for the study: train a figure's runs (`figures`),
evaluate them (`evaluation`), record lifetimes (`lifetimes`), train a plan section as
resumable queues (`queue`) and replay committed runs against this code (`replay`)."""
