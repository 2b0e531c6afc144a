package discover

import (
	"github.com/conncap/conncap/inputs/apps/dotnet"
	"github.com/conncap/conncap/inputs/apps/gosql"
	"github.com/conncap/conncap/inputs/apps/node"
	"github.com/conncap/conncap/inputs/apps/phpfpm"
	"github.com/conncap/conncap/inputs/apps/python"
	"github.com/conncap/conncap/inputs/apps/rails"
	"github.com/conncap/conncap/inputs/apps/spring"
)

// appReaders lists the application-pool readers in the order files are
// offered to them (the first that matches reads the file).
func appReaders() []appReader {
	return []appReader{
		&ecosystem[*spring.File]{eco: "spring", Match: spring.Match, Parse: spring.Parse, Pools: spring.Pools},
		&ecosystem[*rails.File]{eco: "rails", Match: rails.Match, Parse: rails.Parse, Pools: rails.Pools,
			FromCommand: rails.FromCommand, IsWorker: rails.IsSidekiq, Worker: rails.SidekiqPools},
		&ecosystem[*dotnet.File]{eco: "dotnet", Match: dotnet.Match, Parse: dotnet.Parse, Pools: dotnet.Pools},
		&ecosystem[*phpfpm.File]{eco: "php-fpm", Match: phpfpm.Match, Parse: phpfpm.Parse, Pools: phpfpm.Pools},
		&ecosystem[*gosql.File]{eco: "gosql", Match: gosql.Match, Parse: gosql.Parse, Pools: gosql.Pools},
		&ecosystem[*python.File]{eco: "python", Match: python.Match, Parse: python.Parse, Pools: python.Pools,
			FromCommand: python.FromCommand, IsWorker: python.IsCeleryWorker, Worker: python.CeleryPools},
		&ecosystem[*node.File]{eco: "node", Match: node.Match, Parse: node.Parse, Pools: node.Pools, FromCommand: node.FromCommand},
	}
}
