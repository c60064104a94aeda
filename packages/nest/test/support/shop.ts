// A small Nest application for the tests: plain handlers, a DTO with validation, a guard, thrown
// errors, and every profiling decorator. Constructor parameters name their tokens (no reliance on
// decorator metadata) so the same file also runs in a child process under tsx.
import {
  Body,
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  HttpCode,
  HttpException,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
  UseGuards,
  ValidationPipe,
} from "@nestjs/common"
import {
  InjectRollingLogger,
  InjectSession,
  ProfileDataset,
  type RollingLogger,
  type Session,
  SkipProfiling,
} from "@sketchlog/nest"
import { Exclude } from "class-transformer"
import { IsInt, IsString, Min } from "class-validator"

export class NewItem {
  @IsString()
  readonly name!: string

  @IsInt()
  @Min(0)
  readonly quantity!: number
}

const validItem = new ValidationPipe({ expectedType: NewItem, transform: true })

/** Lets a request through only with `x-allow: yes`. */
@Injectable()
export class AllowHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return (
      context.switchToHttp().getRequest<{ headers: Record<string, string> }>().headers["x-allow"] === "yes"
    )
  }
}

@Controller("items")
export class ItemsController {
  @Get(":id")
  get(@Param("id") id: string) {
    return { id, name: "widget", price: 9.5, in_stock: true }
  }

  @Post()
  create(@Body(validItem) item: NewItem) {
    return { created: true, name: item.name, quantity: item.quantity }
  }

  @Get(":id/secret")
  @UseGuards(AllowHeaderGuard)
  secret() {
    return { secret: "ok" }
  }
}

@Controller("errors")
export class ErrorsController {
  @Get("crash")
  crash(): never {
    throw new Error("the message must never be profiled")
  }

  @Get("teapot")
  teapot(): never {
    throw new HttpException("short and stout", 418)
  }
}

/** Skipped as a whole, but for one handler that opts back in. */
@Controller("health")
@SkipProfiling()
export class HealthController {
  @Get()
  live() {
    return { status: "ok" }
  }

  @Get("deep")
  @SkipProfiling(false)
  deep() {
    return { status: "ok", database: "up" }
  }
}

/** One handler skipped, the other profiled. */
@Controller("metrics")
export class MetricsController {
  @Get()
  @SkipProfiling()
  scrape() {
    return "requests_total 1"
  }

  @Get("summary")
  summary() {
    return { requests: 1 }
  }
}

/** Its own dataset, and one handler in yet another. */
@Controller("fraud")
@ProfileDataset("fraud-model")
export class FraudController {
  @Post("score")
  @HttpCode(200)
  score(@Body() body: { amount: number }) {
    return { fraud_probability: body.amount > 1000 ? 0.9 : 0.1 }
  }

  @Get("audit")
  @ProfileDataset("fraud-audit")
  audit() {
    return { audited: true }
  }
}

/** A service that uses both injections. */
@Injectable()
export class FeatureLog {
  constructor(
    @InjectSession() readonly session: Session | undefined,
    @InjectRollingLogger() readonly logger: RollingLogger | undefined,
  ) {}

  /** Logs what a model saw after preprocessing, into its own dataset. */
  async record(features: { income_log: number; segment: string }): Promise<void> {
    await this.logger!.log(features, { datasetId: "item-features" })
  }
}

@Controller("features")
export class FeaturesController {
  constructor(@Inject(FeatureLog) private readonly features: FeatureLog) {}

  @Post()
  @HttpCode(202)
  async log(
    @Body() body: { income: number; segment: string },
  ): Promise<{ accepted: boolean; session: string | null }> {
    await this.features.record({ income_log: Math.log(body.income), segment: body.segment })
    return { accepted: true, session: this.features.session?.kind ?? null }
  }
}

/** An entity whose `internal_risk_score` `ClassSerializerInterceptor` keeps out of responses. */
export class Account {
  readonly id: string
  readonly owner: string
  @Exclude()
  readonly internal_risk_score: number

  constructor(id: string, owner: string, internalRiskScore: number) {
    this.id = id
    this.owner = owner
    this.internal_risk_score = internalRiskScore
  }
}

@Controller("accounts")
export class AccountsController {
  @Get(":id")
  get(@Param("id") id: string) {
    return new Account(id, "ada", 0.93)
  }
}

/** Every controller of the shop, without SessionModule (each test adds its own registration). */
export const shopControllers = [
  ItemsController,
  ErrorsController,
  HealthController,
  MetricsController,
  FraudController,
  FeaturesController,
  AccountsController,
]

/** A feature module that registers nothing but imports what it is given (the "imported twice" case). */
@Module({})
export class FeatureModule {}
