package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/robfig/cron/v3"

	"riverside/internal/news"
	"riverside/internal/source"
)

// cronParser reads the 5-field specs of sources.yaml.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

func checkSchedule(spec string) error {
	_, err := cronParser.Parse(spec)
	return err
}

func loadSources(path string) ([]news.Source, error) {
	return source.Load(path, source.Options{CheckSchedule: checkSchedule})
}

func loadConfig(path string) (*source.Config, error) {
	return source.LoadConfig(path, source.Options{CheckSchedule: checkSchedule})
}

func cmdCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "sources.yaml", "sources file")
	if err := fs.Parse(args); err != nil {
		return exitError{code: 2}
	}
	srcs, err := loadSources(*config)
	if err != nil {
		var faults source.Faults
		if errors.As(err, &faults) {
			for _, f := range faults {
				fmt.Fprintln(stderr, f.Error())
			}
			return exitError{code: 1, msg: fmt.Sprintf("%d fault(s) in %s", len(faults), *config)}
		}
		return exitError{code: 1, msg: err.Error()}
	}
	fmt.Fprintf(stdout, "%s: %d sources OK\n", *config, len(srcs))
	return nil
}
