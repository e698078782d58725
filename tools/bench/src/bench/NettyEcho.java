package bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * The bench-only Netty peer of {@code make bench}: a framed echo server on Netty 4.2 (epoll, NIO when epoll is
 * missing), the same approach as the shared anchor {@code ../shared/bench/netty-echo}. Listens on 127.0.0.1 only;
 * usage {@code bench.NettyEcho PORT}. Default: boss 1 thread, workers Netty's default (2 x cores), no logging.
 * <pre>
 * +--------+--------+--------+--------+------------------------+
 * |        length N (big-endian u32)  |   N bytes of payload   |
 * +--------+--------+--------+--------+------------------------+
 * </pre>
 * Each whole frame, header included, is written back as it came; N above 65536 closes the connection.
 */
public final class NettyEcho {
    static final int MAX_PAYLOAD = 65536;
    static final int HEADER = 4;
    /** Netty's maxFrameLength counts the length field too: 65536 alone would reject payloads of 65533..65536. */
    static final int MAX_FRAME = MAX_PAYLOAD + HEADER;
    static final int BACKLOG = 4096;

    private NettyEcho() {
    }

    /** Writes every decoded frame (a retained slice, header included) back; stops reading while the peer does not. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // TooLongFrameException (N > 65536) and I/O errors: drop this connection only.
            ctx.close();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: bench.NettyEcho PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverChannel = epoll
                ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, io);
        EchoHandler echo = new EchoHandler();
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(serverChannel)
                    .option(ChannelOption.SO_BACKLOG, BACKLOG)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, HEADER, 0, 0), echo);
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
            System.out.println("netty-echo listening on 127.0.0.1:" + port + " transport=" + (epoll ? "epoll" : "nio")
                    + " maxFrame=" + MAX_FRAME);
            listener.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }
}
